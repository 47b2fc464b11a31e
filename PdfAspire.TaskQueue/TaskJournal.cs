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

    public const string Processed = "processed";
    public const string Failed = "failed";
    public const string DeadLettered = "dead";

    /// <summary>Ingest has the result.</summary>
    public static void RecordDone(ITransaction tx, QueueKeys keys, string taskId, string workerId, TaskResultSummary result, DateTimeOffset now)
    {
        _ = tx.HashSetAsync(keys.Task(taskId),
        [
            new(TaskRecordFields.Status, TaskStatuses.Done),
            new(TaskRecordFields.CompletedAt, Stamps.Format(now)),
            new(TaskRecordFields.PageCount, result.PageCount),
            new(TaskRecordFields.FailedPages, result.FailedPages),
            new(TaskRecordFields.DurationMs, (long)result.Duration.TotalMilliseconds),
        ]);
        _ = tx.KeyExpireAsync(keys.Task(taskId), TaskHistory.Retention);
        AddEvent(tx, keys, taskId, new TaskEvent
        {
            At = now,
            Kind = TaskEventKinds.Succeeded,
            Worker = workerId,
            DurationMs = (long)result.Duration.TotalMilliseconds,
            Message = $"{result.PageCount} pages, {result.FailedPages} failed",
        });
        Count(tx, keys, now, Processed);
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

    /// <summary>Makes a task findable by id and by file name (prefix search, case-insensitive).</summary>
    public static void Index(ITransaction tx, QueueKeys keys, string taskId, string? fileName)
    {
        _ = tx.SortedSetAddAsync(keys.TaskIndex, IdEntry(taskId), 0, When.NotExists);
        if (!string.IsNullOrWhiteSpace(fileName))
        {
            _ = tx.SortedSetAddAsync(keys.TaskIndex, NameEntry(fileName, taskId), 0, When.NotExists);
        }
    }

    public static void Count(ITransaction tx, QueueKeys keys, DateTimeOffset at, string counter)
    {
        var key = keys.Stats(MinuteOf(at));
        _ = tx.HashIncrementAsync(key, counter);
        _ = tx.KeyExpireAsync(key, StatsRetention);
    }

    public static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    /// <summary>Index entries sort by kind, then lower-cased text, then the task id after a separator.</summary>
    public const char Separator = '\u0001';

    public static string IdEntry(string taskId) => $"i:{taskId.ToLowerInvariant()}{Separator}{taskId}";

    public static string NameEntry(string fileName, string taskId) => $"n:{fileName.ToLowerInvariant()}{Separator}{taskId}";

    public static string TaskIdOf(string entry) => entry[(entry.IndexOf(Separator, StringComparison.Ordinal) + 1)..];

    public static string Stamp(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60).ToString("HH:mm", CultureInfo.InvariantCulture);
}
