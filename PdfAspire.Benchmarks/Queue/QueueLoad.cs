using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>
/// The worker's Redis path with no document work (<see cref="RedisPathWorker"/>s) over a typical stream of tasks: a
/// share fails once and is retried, a share becomes a dead letter.
/// </summary>
public static class QueueLoad
{
    /// <summary>Every <see cref="DeadEvery"/>th task is a dead letter; every <see cref="RetryEvery"/>th fails once first.</summary>
    public const int DeadEvery = 100;

    public const int RetryEvery = 20;

    public static readonly ServedBuckets Buckets = ServedBuckets.Only(LocalSystem.Bucket);

    /// <summary>A producer's task, as docs/queue.md's example: an id, a key under a date, a file name, one metadata pair.</summary>
    public static string TaskJson(int i) => JsonSerializer.Serialize(new UploadTask
    {
        TaskId = $"bench-{i:D7}",
        Bucket = LocalSystem.Bucket,
        ObjectKey = $"2026/12/invoice-{i:D7}.pdf",
        FileName = $"invoice-{i:D7}.pdf",
        SubmittedAt = DateTimeOffset.UtcNow,
        Metadata = new Dictionary<string, string> { ["tenant"] = $"tenant-{i % 50:D2}" },
    }, TaskQueueJsonContext.Default.UploadTask);

    /// <summary>What a one-page document's delivery records: its sources, timings, hash and the first lines of its page.</summary>
    public static TaskResult TypicalResult(int i) => new()
    {
        PageCount = 1,
        TextLayerPages = 1,
        DownloadMs = 3,
        ExtractionMs = 6,
        DeliveryMs = 2,
        DurationMs = 12,
        SizeBytes = 23_456,
        Details = new ResultDetails
        {
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
            Preview = [new PagePreview(1, "text_layer", $"Invoice 2026-{i:D7}\nACME Corporation, 1 Main Street, Springfield\nTotal due: 1,234.00 EUR")],
        },
    };

    public static async Task QueueAsync(IDatabase db, int tasks)
    {
        const int Batch = 1_000;
        for (var first = 0; first < tasks; first += Batch)
        {
            await db.ListLeftPushAsync(QueueOptions.DefaultName, [.. Enumerable.Range(first, Math.Min(Batch, tasks - first)).Select(i => (RedisValue)TaskJson(i))]);
        }
    }

    /// <summary>
    /// Connects <paramref name="consumers"/> (<see cref="RedisPathWorker"/>s), calls <paramref name="onReady"/>, then runs
    /// them until every one of <paramref name="tasks"/> queued tasks is settled, and calls <paramref name="onSettled"/>
    /// before stopping them.
    /// </summary>
    public static async Task<TimeSpan> ConsumeAsync(string redis, int consumers, int tasks, RetentionOptions retention, Func<Task> onReady,
        Func<Task> onSettled)
    {
        var settled = 0;
        using var stop = new CancellationTokenSource();
        var all = new TaskCompletionSource();
        var keys = new QueueKeys(QueueOptions.DefaultName);
        var workers = new List<RedisPathWorker>();
        for (var c = 0; c < consumers; c++)
        {
            workers.Add(await RedisPathWorker.ConnectAsync(redis, $"bench-consumer-{c}", keys, retention, Buckets, Settle));
        }
        await onReady();
        var watch = Stopwatch.StartNew();
        var loops = workers.Select(w => w.RunAsync(() =>
        {
            if (Interlocked.Increment(ref settled) == tasks)
            {
                all.SetResult();
            }
        }, stop.Token)).ToList();
        await all.Task;
        var elapsed = watch.Elapsed;
        await onSettled();
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var worker in workers)
        {
            await worker.DisposeAsync();
        }
        return elapsed;
    }

    /// <summary>The mix: 1 in <see cref="DeadEvery"/> a dead letter, 1 in <see cref="RetryEvery"/> retried once (due at once), the rest delivered.</summary>
    private static Settlement Settle(ValidTask task, TaskAttempt attempt)
    {
        var n = int.Parse(task.TaskId.AsSpan("bench-".Length), CultureInfo.InvariantCulture);
        return n % DeadEvery == 0 ? new Settlement.DeadLettered(FailureCategory.Corrupt, "no page could be read: the cross-reference table is damaged")
            : n % RetryEvery == 1 && attempt.Number == 1 ? new Settlement.Retried(FailureCategory.Timeout, "reading plus extraction took over 120 s", DateTimeOffset.UtcNow)
            : new Settlement.Delivered(TypicalResult(n));
    }

    /// <summary>
    /// The floor: a reliable list and nothing else — each consumer takes a task (BLMOVE into its own list) and removes
    /// it (LREM), two round trips, no attempt, no history. What the queue mechanism itself costs this Redis.
    /// </summary>
    public static async Task<TimeSpan> FloorAsync(string redis, int consumers, int tasks, Func<Task> onReady, Func<Task> onSettled)
    {
        var settled = 0;
        var connections = new List<ConnectionMultiplexer>();
        for (var c = 0; c < consumers; c++)
        {
            connections.Add(await ConnectionMultiplexer.ConnectAsync(redis));
        }
        await onReady();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(connections.Select(async (connection, c) =>
        {
            var db = connection.GetDatabase();
            var list = $"floor:processing:{c}";
            while (Volatile.Read(ref settled) < tasks)
            {
                var taken = await db.ExecuteAsync("BLMOVE", QueueOptions.DefaultName, list, "RIGHT", "LEFT", "0.1");
                if (!taken.IsNull)
                {
                    await db.ListRemoveAsync(list, (RedisValue)taken, 1);
                    Interlocked.Increment(ref settled);
                }
            }
        }));
        var elapsed = watch.Elapsed;
        await onSettled();
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
        return elapsed;
    }
}
