using System.Globalization;
using System.Text.Json;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace PdfAspire.Tests.Retention;

/// <summary>
/// Workers on the worker's Redis path (<see cref="RedisPathWorker"/>: the same calls, the same housekeeping, no
/// document work) over a queue of the test's own on a real redis-server. They keep running, and trimming, until the
/// run is disposed.
/// </summary>
public sealed class QueueRun : IAsyncDisposable
{
    public const string Bucket = "pdf-uploads";

    private readonly List<RedisPathWorker> _workers;
    private readonly List<Task> _loops;
    private readonly CancellationTokenSource _stop = new();
    private int _settled;

    private QueueRun(RedisServer redis, QueueKeys keys, List<RedisPathWorker> workers)
    {
        (Redis, Keys, _workers) = (redis, keys, workers);
        _loops = [.. workers.Select(w => w.RunAsync(() => Interlocked.Increment(ref _settled), _stop.Token))];
    }

    public RedisServer Redis { get; }

    public QueueKeys Keys { get; }

    public IDatabase Db => Redis.Connection.GetDatabase();

    public int Settled => Volatile.Read(ref _settled);

    /// <summary>
    /// Starts <paramref name="workers"/> workers keeping history by <paramref name="retention"/>, each task settled as
    /// <paramref name="settle"/> says (delivered with a result and its details, by default), once each holds its lease.
    /// </summary>
    public static async Task<QueueRun> StartAsync(RedisServer redis, RetentionOptions retention, int workers = 4,
        Func<ValidTask, TaskAttempt, Settlement>? settle = null)
    {
        var keys = new QueueKeys($"queue:retention-{Guid.NewGuid():N}");
        var started = new List<RedisPathWorker>();
        for (var i = 0; i < workers; i++)
        {
            started.Add(await RedisPathWorker.ConnectAsync(redis.Address, $"retention-worker-{i}", keys, retention, ServedBuckets.Only(Bucket),
                settle ?? ((task, _) => new Settlement.Delivered(Result(task.TaskId)))));
        }
        var run = new QueueRun(redis, keys, started);
        // Every worker has its lease (and its record) before the test measures anything.
        await Eventually.TrueAsync(async () => await run.Db.SortedSetLengthAsync(keys.Workers) == workers, TimeSpan.FromSeconds(30),
            "the workers' first heartbeats");
        return run;
    }

    /// <summary>A producer's task: an id, a key, a file name and one metadata pair, as docs/queue.md shows.</summary>
    public static string TaskJson(string taskId, string fileName, string tenant) => JsonSerializer.Serialize(new UploadTask
    {
        TaskId = taskId,
        Bucket = Bucket,
        ObjectKey = $"2026/12/{fileName}",
        FileName = fileName,
        SubmittedAt = DateTimeOffset.UtcNow,
        Metadata = new Dictionary<string, string> { ["tenant"] = tenant },
    }, TaskQueueJsonContext.Default.UploadTask);

    /// <summary>What a one-page document's delivery records, its details (hash, preview) included.</summary>
    public static TaskResult Result(string taskId) => new()
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
            Sha256 = new string('a', 64),
            Preview = [new PagePreview(1, "text_layer", $"Invoice {taskId}\nACME Corporation\nTotal due: 1,234.00 EUR")],
        },
    };

    /// <summary>Queues <paramref name="count"/> tasks named <c>{prefix}-{i}</c> and waits until every one of them is settled.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(string prefix, int count, string tenant = "tenant-batch")
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i.ToString("D5", CultureInfo.InvariantCulture)}").ToList();
        var before = Settled;
        foreach (var chunk in ids.Chunk(500))
        {
            await Db.ListLeftPushAsync(Keys.Pending, [.. chunk.Select(id => (RedisValue)TaskJson(id, $"{id}.pdf", tenant))]);
        }
        await Eventually.TrueAsync(() => Task.FromResult(Settled - before >= count), TimeSpan.FromMinutes(2), $"{count} tasks to be settled");
        return ids;
    }

    /// <summary>Every key of the queue now: the pending list and every key under its hash tag (a test's own queue on a test's own server: SCAN is fine here).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync() =>
        [.. (await Redis.Server.KeysAsync(pattern: Keys.Tag + "*").ToListAsync()).Concat(await Redis.Server.KeysAsync(pattern: Keys.Pending).ToListAsync())
            .Select(k => (string)k!).Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
            // A worker stopped before its first heartbeat.
        }
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }
        _stop.Dispose();
    }
}
