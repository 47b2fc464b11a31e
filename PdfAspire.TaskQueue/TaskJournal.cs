using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Writes what the admin shows about history into the same transaction as the queue move it describes, so the
/// timeline, the per-minute throughput and the search index never disagree with the queue: a task's events, a
/// recent-tasks index, a name/id search index, and counters per minute.
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

    public static void AddEvent(ITransaction tx, QueueKeys keys, string taskId, TaskEvent entry)
    {
        var events = keys.TaskEvents(taskId);
        _ = tx.ListRightPushAsync(events, JsonSerializer.Serialize(entry, TaskEventJsonContext.Default.TaskEvent));
        _ = tx.ListTrimAsync(events, -MaxEvents, -1);
        _ = tx.KeyExpireAsync(events, ReliableQueue.HistoryRetention);
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
