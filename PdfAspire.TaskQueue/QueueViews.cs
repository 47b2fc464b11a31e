namespace PdfAspire.TaskQueue;

/// <summary>
/// The queue's counts at one moment, all lanes together and each lane's (<see cref="Lanes"/>). <see cref="InFlight"/>
/// sums the processing lists of the workers in the lease sets.
/// </summary>
public sealed record QueueCounts(long Pending, long InFlight, long Delayed, long Dead, string? PausedBy)
{
    public IReadOnlyList<LaneCounts> Lanes { get; init; } = [];

    public bool Paused => PausedBy is not null;

    /// <summary>Who paused consumption and when, from <see cref="PausedBy"/> ("{operator} at {time}").</summary>
    public PauseNote? Pause => PausedBy is null ? null : PauseNote.Parse(PausedBy);
}

/// <summary>The value of <see cref="QueueKeys.Paused"/>: who paused consumption, and when.</summary>
public sealed record PauseNote(string By, DateTimeOffset? At)
{
    private const string Separator = " at ";

    /// <summary>What is published on <see cref="QueueKeys.Control"/> when consumption is paused or resumed.</summary>
    public const string PausedMessage = "paused";

    public const string ResumedMessage = "resumed";

    public string Format() => At is { } at ? $"{By}{Separator}{Stamps.Format(at)}" : By;

    public static PauseNote Parse(string value)
    {
        var at = value.LastIndexOf(Separator, StringComparison.Ordinal);
        return at > 0 && Stamps.Parse(value[(at + Separator.Length)..]) is { } when ? new PauseNote(value[..at], when) : new PauseNote(value, null);
    }
}

/// <summary>One lane's counts: pending, in flight (this lane's processing lists), delayed for a retry, dead letters.</summary>
public sealed record LaneCounts(string Lane, long Pending, long InFlight, long Delayed, long Dead, bool Paused);

/// <summary>
/// A worker as its leases and heartbeats describe it (one record in each lane it takes from); <see cref="LeaseExpired"/>
/// workers are awaiting the reaper; <see cref="Paused"/> once it has stopped taking from every lane.
/// </summary>
public sealed record WorkerStatus(
    string WorkerId, string Host, int Concurrency, long InFlight, bool Paused, DateTimeOffset? StartedAt,
    TimeSpan? HeartbeatAge, bool LeaseExpired);

/// <summary>
/// One minute's counters: tasks delivered and failed (with the failures by category), pages delivered, and how many
/// delivered tasks took at most each of <see cref="ThroughputStats.LatencyBoundsMs"/>.
/// </summary>
public sealed record ThroughputPoint(DateTimeOffset Minute, long Processed, long Failed, long Pages,
    IReadOnlyList<long> Latency, IReadOnlyDictionary<string, long> FailedByCategory)
{
    /// <summary>The same minute's counters of several lanes, added up.</summary>
    public static ThroughputPoint Sum(IEnumerable<ThroughputPoint> points)
    {
        var all = points.ToList();
        return new ThroughputPoint(all[0].Minute, all.Sum(p => p.Processed), all.Sum(p => p.Failed), all.Sum(p => p.Pages),
            [.. Enumerable.Range(0, ThroughputStats.LatencyBoundsMs.Length).Select(i => all.Sum(p => p.Latency[i]))],
            all.SelectMany(p => p.FailedByCategory).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value)));
    }

    public static ThroughputPoint From(DateTimeOffset minute, IReadOnlyDictionary<string, long> fields)
    {
        var latency = new long[ThroughputStats.LatencyBoundsMs.Length];
        var failedByCategory = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (field, count) in fields)
        {
            if (ThroughputStats.LatencyBucketOf(field) is { } bucket)
            {
                latency[bucket] = count;
            }
            else if (ThroughputStats.CategoryOf(field) is { } category)
            {
                failedByCategory[category] = count;
            }
        }
        return new ThroughputPoint(minute, fields.GetValueOrDefault(ThroughputStats.Processed), fields.GetValueOrDefault(ThroughputStats.Failed),
            fields.GetValueOrDefault(ThroughputStats.Pages), latency, failedByCategory);
    }
}

/// <summary>One row of a task search or of the recent tasks; <see cref="LastActivityAt"/> is the task's last outcome or operator action.</summary>
public sealed record TaskSummary(string TaskId, string FileName, string Status, int Attempts, DateTimeOffset? LastStartedAt, string? LastErrorCategory,
    DateTimeOffset? LastActivityAt = null, string Lane = "");

/// <summary>
/// A task search: <see cref="Text"/> is a task id or file name prefix, or <c>key=value</c> for a metadata pair;
/// <see cref="From"/> and <see cref="To"/> bound the task's last activity.
/// </summary>
public sealed record TaskQuery(string Text, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public bool Contains(DateTimeOffset? at) =>
        (From is null && To is null) || (at is { } t && (From is null || t >= From) && (To is null || t <= To));

    /// <summary>The (key, value) of a <c>key=value</c> search; null for any other text.</summary>
    public static (string Key, string Value)? MetadataPair(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? (text[..equals].Trim(), text[(equals + 1)..].Trim()) : null;
    }
}

/// <summary>Everything known about one task: the lane it was in, its history record, its timeline and, if it is one, its dead letter.</summary>
public sealed record TaskDetails(string TaskId, TaskRecord Record, IReadOnlyList<TaskEvent> Events, DeadLetter? DeadLetter, string Lane = "");

/// <summary>What the queue costs Redis (<see cref="QueueInsights.RedisUsageAsync"/>).</summary>
/// <param name="Memory">Redis's memory, its limit and eviction policy.</param>
/// <param name="Histories">Tasks with a history (retained, and active ones).</param>
/// <param name="DeadLetters">Dead letters, kept until an operator retries or deletes them.</param>
/// <param name="DeadLetterBytes">The memory the dead letters hold (Redis's estimate).</param>
public sealed record RedisUsage(RedisMemory Memory, long Histories, long DeadLetters, long DeadLetterBytes);
