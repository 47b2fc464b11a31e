using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What the dashboard reads: counts (all lanes, and each), workers, throughput per minute, task search and one task's
/// history. All of it comes from Redis, so it is right while every worker is down. Each lane is read on its own (in
/// a cluster, on its own node) and the results are merged.
/// </summary>
public sealed class QueueInsights(IConnectionMultiplexer redis, QueueLanes lanes, TimeProvider clock)
{
    public const int SearchLimit = 50;

    private readonly IReadOnlyList<LaneInsights> _lanes = [.. lanes.All.Select(l => new LaneInsights(redis, l.Keys, clock))];

    public IReadOnlyList<string> LaneNames => [.. lanes.All.Select(l => l.Name)];

    /// <summary>
    /// The queue's counts, all lanes together and each lane's. In flight is the sum of the workers' processing lists
    /// (read by <see cref="WorkersAsync"/>), not a scan of the keyspace. Paused when every lane is.
    /// </summary>
    public async Task<QueueCounts> CountsAsync(IReadOnlyList<WorkerStatus> workers)
    {
        var perLane = await Task.WhenAll(_lanes.Select(async l => await l.CountsAsync(await l.WorkersAsync())));
        var counts = perLane.Select(p => p.Counts).ToList();
        var pausedBy = perLane.All(p => p.PausedBy is not null) ? perLane[0].PausedBy : null;
        return new QueueCounts(counts.Sum(c => c.Pending), workers.Sum(w => w.InFlight), counts.Sum(c => c.Delayed), counts.Sum(c => c.Dead), pausedBy)
        {
            Lanes = counts,
        };
    }

    /// <summary>
    /// The workers, each from its records in every lane it takes from: in flight summed, paused once it has stopped
    /// taking from all of them, its lease expired when the newest one has.
    /// </summary>
    public async Task<IReadOnlyList<WorkerStatus>> WorkersAsync()
    {
        var all = (await Task.WhenAll(_lanes.Select(l => l.WorkersAsync()))).SelectMany(w => w);
        return [.. all.GroupBy(w => w.WorkerId).Select(g => g.First() with
        {
            InFlight = g.Sum(w => w.InFlight),
            Paused = g.All(w => w.Paused),
            HeartbeatAge = g.Min(w => w.HeartbeatAge),
            LeaseExpired = g.All(w => w.LeaseExpired),
        }).OrderBy(w => w.WorkerId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// What the queue costs Redis: its memory and limits (the fullest lane's Redis, or the first whose policy may
    /// evict), how many tasks have a history, and the dead letters (kept until an operator acts) with their memory.
    /// </summary>
    public async Task<RedisUsage> RedisUsageAsync()
    {
        var usages = await Task.WhenAll(_lanes.Select(l => l.RedisUsageAsync()));
        var memory = usages.Select(u => u.Memory).FirstOrDefault(m => !m.IsEvictionSafe)
            ?? usages.Select(u => u.Memory).MaxBy(m => m.MaxBytes > 0 ? (double)m.UsedBytes / m.MaxBytes : m.UsedBytes)!;
        return new RedisUsage(memory, usages.Sum(u => u.Histories), usages.Sum(u => u.DeadLetters), usages.Sum(u => u.DeadLetterBytes));
    }

    /// <summary>
    /// Each minute's counters from <paramref name="from"/> to <paramref name="to"/> (both included), every lane's
    /// added up, oldest first, gaps as zero.
    /// </summary>
    public async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var perLane = await Task.WhenAll(_lanes.Select(l => l.ThroughputAsync(from, to)));
        return [.. perLane[0].Select((_, i) => ThroughputPoint.Sum(perLane.Select(points => points[i])))];
    }

    /// <summary>The last <paramref name="span"/> of <see cref="ThroughputAsync(DateTimeOffset, DateTimeOffset)"/>, up to this minute.</summary>
    public Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(TimeSpan span)
    {
        var now = clock.GetUtcNow();
        return ThroughputAsync(now - span + TimeSpan.FromMinutes(1), now);
    }

    /// <summary>Tasks whose id is <paramref name="term"/> or whose file name or metadata value starts with it (case-insensitive), newest first.</summary>
    public Task<IReadOnlyList<TaskSummary>> SearchAsync(string term) => SearchAsync(new TaskQuery(term));

    /// <summary>
    /// Tasks matching <paramref name="query"/> in any lane, newest first, at most <see cref="SearchLimit"/>: its text is a
    /// task id, a file name prefix or a metadata value prefix, or <c>key=value</c> for a metadata pair (the value by
    /// prefix); its time range holds the task's last activity.
    /// </summary>
    public async Task<IReadOnlyList<TaskSummary>> SearchAsync(TaskQuery query) =>
        Newest(await Task.WhenAll(_lanes.Select(l => l.SearchAsync(query))));

    public async Task<IReadOnlyList<TaskSummary>> RecentAsync(int count = SearchLimit) =>
        Newest(await Task.WhenAll(_lanes.Select(l => l.RecentAsync(count))), count);

    /// <summary>
    /// One task: in the lane that holds its dead letter, else the one where it was last active (a task retried into
    /// another lane has a history in each).
    /// </summary>
    public async Task<TaskDetails?> TaskAsync(string taskId)
    {
        var found = (await Task.WhenAll(_lanes.Select(l => l.TaskAsync(taskId)))).OfType<TaskDetails>().ToList();
        return found.FirstOrDefault(t => t.DeadLetter is not null)
            ?? found.MaxBy(t => t.Events.Count > 0 ? t.Events[^1].At : t.Record.LastStartedAt ?? DateTimeOffset.MinValue);
    }

    private static List<TaskSummary> Newest(IEnumerable<IReadOnlyList<TaskSummary>> perLane, int limit = SearchLimit) =>
        [.. perLane.SelectMany(s => s)
            .GroupBy(s => s.TaskId).Select(g => g.MaxBy(s => s.LastActivityAt ?? s.LastStartedAt ?? DateTimeOffset.MinValue)!)
            .OrderByDescending(s => s.LastActivityAt ?? s.LastStartedAt ?? DateTimeOffset.MinValue).Take(limit)];
}
