using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Writes what the admin shows about history into the same transaction as the queue move it describes, so the
/// history hash, the timeline, the per-minute throughput and the search index never disagree with the queue: a
/// task's status and outcome, its events, a recent-tasks index, a name/id search index, and counters per minute.
/// </summary>
public static class TaskJournal
{
    /// <summary>Events kept per task; older ones are trimmed.</summary>
    public const int MaxEvents = 100;

    /// <summary>Per-minute throughput is kept this long (the overview charts the last hours).</summary>
    public static readonly TimeSpan StatsRetention = TimeSpan.FromHours(25);

    // The fields of a minute's counters (QueueKeys.Stats).
    public const string Processed = "processed";
    public const string Failed = "failed";
    public const string DeadLettered = "dead";
    public const string Pages = "pages";
    private const string FailedPrefix = "failed:";
    private const string LatencyPrefix = "latency:";

    /// <summary>
    /// Upper bounds (ms) of the buckets a delivered task's duration is counted in, per minute: enough to tell a p50
    /// and a p95 apart without keeping every duration. The last bucket is everything slower.
    /// </summary>
    public static readonly long[] LatencyBoundsMs = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, long.MaxValue];

    public static string FailedIn(string category) => FailedPrefix + category;

    /// <summary>The category a minute's field counts failures of; null for other fields.</summary>
    public static string? CategoryOf(string field) => field.StartsWith(FailedPrefix, StringComparison.Ordinal) ? field[FailedPrefix.Length..] : null;

    public static string LatencyField(long durationMs) => LatencyPrefix + Array.FindIndex(LatencyBoundsMs, bound => durationMs <= bound);

    /// <summary>The bucket a minute's field counts durations in; null for other fields.</summary>
    public static int? LatencyBucketOf(string field) =>
        field.StartsWith(LatencyPrefix, StringComparison.Ordinal) && int.TryParse(field.AsSpan(LatencyPrefix.Length), CultureInfo.InvariantCulture, out var i)
        && i >= 0 && i < LatencyBoundsMs.Length ? i : null;

    /// <summary>Ingest has the result.</summary>
    public static void RecordDone(ITransaction tx, QueueKeys keys, string taskId, string workerId, TaskResult result, DateTimeOffset now)
    {
        _ = tx.HashSetAsync(keys.Task(taskId),
        [
            new(TaskRecordFields.Status, TaskStatuses.Done),
            new(TaskRecordFields.CompletedAt, Stamps.Format(now)),
            new(TaskRecordFields.PageCount, result.PageCount),
            new(TaskRecordFields.FailedPages, result.FailedPageCount),
            new(TaskRecordFields.DurationMs, result.DurationMs),
            new(TaskRecordFields.Result, JsonSerializer.Serialize(result, TaskQueueJsonContext.Default.TaskResult)),
        ]);
        _ = tx.KeyExpireAsync(keys.Task(taskId), TaskHistory.Retention);
        AddEvent(tx, keys, taskId, new TaskEvent
        {
            At = now,
            Kind = TaskEventKinds.Succeeded,
            Worker = workerId,
            DurationMs = result.DurationMs,
            Message = $"{result.PageCount} pages, {result.FailedPageCount} failed",
        });
        Count(tx, keys, now, Processed);
        Count(tx, keys, now, Pages, result.PageCount);
        Count(tx, keys, now, LatencyField(result.DurationMs));
    }

    /// <summary>The task waits in the delayed set until <paramref name="dueAt"/>.</summary>
    public static void RecordRetry(ITransaction tx, QueueKeys keys, string taskId, string workerId, FailureCategory category, string message,
        DateTimeOffset dueAt, DateTimeOffset now)
    {
        if (category.Retry() == RetryKind.Infrastructure)
        {
            _ = tx.HashIncrementAsync(keys.Task(taskId), TaskRecordFields.InfrastructureRetries);
        }
        _ = tx.HashSetAsync(keys.Task(taskId),
        [
            new(TaskRecordFields.Status, TaskStatuses.Retrying),
            new(TaskRecordFields.LastErrorCategory, category.WireName()),
            new(TaskRecordFields.LastError, message),
            new(TaskRecordFields.NextAttemptAt, Stamps.Format(dueAt)),
        ]);
        AddEvent(tx, keys, taskId, new TaskEvent
        {
            At = now,
            Kind = TaskEventKinds.RetryScheduled,
            Worker = workerId,
            Category = category.WireName(),
            Message = message,
            NextAttemptAt = dueAt,
        });
        Count(tx, keys, now, Failed);
        Count(tx, keys, now, FailedIn(category.WireName()));
    }

    /// <summary>The task is a dead letter now (the letter itself is written by the move).</summary>
    public static void RecordDeadLetter(ITransaction tx, QueueKeys keys, string workerId, DeadLetter letter)
    {
        _ = tx.HashSetAsync(keys.Task(letter.TaskId),
        [
            new(TaskRecordFields.Status, TaskStatuses.Dead),
            new(TaskRecordFields.LastErrorCategory, letter.Category),
            new(TaskRecordFields.LastError, letter.Message),
            new(TaskRecordFields.CompletedAt, Stamps.Format(letter.FailedAt)),
        ]);
        _ = tx.KeyExpireAsync(keys.Task(letter.TaskId), TaskHistory.Retention);
        Index(tx, keys, letter.TaskId, letter.FileName);
        AddEvent(tx, keys, letter.TaskId, new TaskEvent
        {
            At = letter.FailedAt,
            Kind = TaskEventKinds.DeadLettered,
            Worker = workerId,
            Attempt = letter.Attempts,
            Category = letter.Category,
            Message = letter.Message,
        });
        Count(tx, keys, letter.FailedAt, Failed);
        Count(tx, keys, letter.FailedAt, FailedIn(letter.Category));
        Count(tx, keys, letter.FailedAt, DeadLettered);
    }

    public static void AddEvent(ITransaction tx, QueueKeys keys, string taskId, TaskEvent entry)
    {
        var events = keys.TaskEvents(taskId);
        _ = tx.ListRightPushAsync(events, JsonSerializer.Serialize(entry, TaskQueueJsonContext.Default.TaskEvent));
        _ = tx.ListTrimAsync(events, -MaxEvents, -1);
        _ = tx.KeyExpireAsync(events, TaskHistory.Retention);
        _ = tx.SortedSetAddAsync(keys.RecentTasks, taskId, entry.At.ToUnixTimeMilliseconds());
    }

    /// <summary>Makes a task findable by id, by file name (prefix search, case-insensitive) and by each metadata pair.</summary>
    public static void Index(ITransaction tx, QueueKeys keys, string taskId, string? fileName, IReadOnlyDictionary<string, string>? metadata = null)
    {
        _ = tx.SortedSetAddAsync(keys.TaskIndex, IdEntry(taskId), 0, When.NotExists);
        if (!string.IsNullOrWhiteSpace(fileName))
        {
            _ = tx.SortedSetAddAsync(keys.TaskIndex, NameEntry(fileName, taskId), 0, When.NotExists);
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            _ = tx.SortedSetAddAsync(keys.TaskIndex, MetadataEntry(key, value, taskId), 0, When.NotExists);
        }
    }

    public static void Count(ITransaction tx, QueueKeys keys, DateTimeOffset at, string counter, long by = 1)
    {
        var key = keys.Stats(MinuteOf(at));
        _ = tx.HashIncrementAsync(key, counter, by);
        _ = tx.KeyExpireAsync(key, StatsRetention);
    }

    public static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    /// <summary>Index entries sort by kind, then lower-cased text, then the task id after a separator.</summary>
    public const char Separator = '\u0001';

    public static string IdEntry(string taskId) => $"i:{taskId.ToLowerInvariant()}{Separator}{taskId}";

    public static string NameEntry(string fileName, string taskId) => $"n:{fileName.ToLowerInvariant()}{Separator}{taskId}";

    /// <summary>A metadata pair, <c>m:{key}={value}</c>: searched as "key=value" (exact key, value by prefix).</summary>
    public static string MetadataEntry(string key, string value, string taskId) => $"{MetadataPrefix(key, value)}{Separator}{taskId}";

    public static string MetadataPrefix(string key, string valueStart) =>
        $"m:{Plain(key).ToLowerInvariant()}={Plain(valueStart).ToLowerInvariant()}";

    /// <summary>A producer's metadata is free text: the separator must not appear in an entry's searchable part.</summary>
    private static string Plain(string text) => text.Replace(Separator.ToString(), "", StringComparison.Ordinal);

    public static string TaskIdOf(string entry) => entry[(entry.IndexOf(Separator, StringComparison.Ordinal) + 1)..];

    public static string Stamp(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60).ToString("HH:mm", CultureInfo.InvariantCulture);
}
