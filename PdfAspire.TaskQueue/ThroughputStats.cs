using System.Globalization;

namespace PdfAspire.TaskQueue;

/// <summary>
/// The per-minute counters the admin's overview charts (<see cref="QueueKeys.Stats"/>): what each field counts, the
/// latency buckets, and which minute a moment falls in. Workers add to them through a <see cref="ThroughputCounter"/>.
/// </summary>
public static class ThroughputStats
{
    /// <summary>Per-minute throughput is kept this long (the overview charts the last hours).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(25);

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

    public static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    public static string Stamp(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60).ToString("HH:mm", CultureInfo.InvariantCulture);
}
