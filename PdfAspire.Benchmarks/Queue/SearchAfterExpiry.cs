using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>
/// Search at scale: a new task is looked up by its id, a file-name prefix and a metadata pair on an empty Redis, then
/// again after many tasks whose names and metadata share those prefixes have gone through and expired. Every search
/// is timed (median of <see cref="Repeats"/>), and whether it found the new task is recorded.
/// </summary>
public static class SearchAfterExpiry
{
    private const int Repeats = 50;

    public static async Task<SearchResult> MeasureAsync(LocalSystem system, string redis, int expired)
    {
        await system.ResetAsync();
        var keys = new QueueKeys(QueueOptions.DefaultName);
        var retention = new RetentionOptions { RetentionSeconds = 1 };
        var onEmpty = await FindNewTaskAsync(system, keys, "empty");

        await QueueLoad.QueueAsync(system.Redis.GetDatabase(), expired);
        await QueueLoad.ConsumeAsync(redis, 16, expired, retention, () => Task.CompletedTask, () => Task.CompletedTask);
        // Workers trim at their heartbeats; with the consumers stopped, the same trimming is called here until it is done.
        var trimming = new TaskRetention(system.Redis, keys, Options.Create(retention), TimeProvider.System);
        var db = system.Redis.GetDatabase();
        var watch = Stopwatch.StartNew();
        while (await db.SortedSetLengthAsync(keys.RecentTasks) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            await trimming.TrimAsync("benchmark", TimeSpan.FromSeconds(5));
        }
        var trimmed = watch.Elapsed;
        var indexLeft = await db.SortedSetLengthAsync(keys.TaskIndex);
        var afterwards = await FindNewTaskAsync(system, keys, "after");
        return new SearchResult(expired, onEmpty, afterwards, indexLeft, trimmed);
    }

    /// <summary>Takes a new task through the worker's path, then times the three searches that should find it.</summary>
    private static async Task<IReadOnlyList<SearchTiming>> FindNewTaskAsync(LocalSystem system, QueueKeys keys, string tag)
    {
        var taskId = $"needle-{tag}";
        var payload = JsonSerializer.Serialize(new UploadTask
        {
            TaskId = taskId,
            ObjectKey = $"2026/12/invoice-needle-{tag}.pdf",
            FileName = $"invoice-needle-{tag}.pdf",
            Metadata = new Dictionary<string, string> { ["tenant"] = $"tenant-needle-{tag}" },
        }, TaskQueueJsonContext.Default.UploadTask);
        var db = system.Redis.GetDatabase();
        await db.ListLeftPushAsync(keys.Pending, payload);
        var moves = new QueueMoves(system.Redis, keys, new TaskHistory(system.Redis, keys), Options.Create(new RetentionOptions()));
        var fetched = await moves.TakeAsync(db, "needle-worker", TimeSpan.FromSeconds(1))
            ?? throw new InvalidOperationException("the needle task was not taken");
        if (!fetched.Validate(QueueLoad.Buckets, out var error))
        {
            throw new InvalidOperationException(error);
        }
        await fetched.BeginAttemptAsync(DateTimeOffset.UtcNow);
        await fetched.AcknowledgeAsync(QueueLoad.TypicalResult(1), DateTimeOffset.UtcNow);

        var insights = new QueueInsights(system.Redis,
            new QueueLanes(system.Redis, Options.Create(new QueueOptions { Name = keys.Pending }), Options.Create(new RetentionOptions()), TimeProvider.System),
            TimeProvider.System);
        var timings = new List<SearchTiming>();
        foreach (var (name, query) in new[] { ("by id", taskId), ("by file-name prefix", "invoice-"), ("by metadata", "tenant=tenant-") })
        {
            var found = false;
            var times = new List<double>(Repeats);
            for (var i = 0; i < Repeats; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var results = await insights.SearchAsync(query);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                found = results.Any(r => r.TaskId == taskId);
            }
            times.Sort();
            timings.Add(new SearchTiming(name, query, found, times[times.Count / 2]));
        }
        return timings;
    }
}

public sealed record SearchTiming(string Search, string Query, bool Found, double MedianMs);

/// <summary>
/// The searches on an empty Redis and after <c>Expired</c> tasks went through and expired; the search index entries
/// left once they had (the new task's are added after), and how long forgetting them took once their retention was over.
/// </summary>
public sealed record SearchResult(int Expired, IReadOnlyList<SearchTiming> OnEmpty, IReadOnlyList<SearchTiming> AfterExpiry, long IndexEntriesLeft,
    TimeSpan Trimming);
