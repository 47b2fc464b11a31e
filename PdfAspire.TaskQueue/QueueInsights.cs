using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What the dashboard reads: counts, workers, throughput per minute, task search and one task's history. All of it
/// comes from Redis, so it is right while every worker is down.
/// </summary>
public sealed class QueueInsights(IConnectionMultiplexer redis, QueueKeys keys, TimeProvider clock)
{
    public const int SearchLimit = 50;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// The queue's counts. In flight is the sum of <paramref name="workers"/>' processing lists (read by
    /// <see cref="WorkersAsync"/>), not a scan of the keyspace: a dead worker stays in the lease set until it is reaped.
    /// </summary>
    public async Task<QueueCounts> CountsAsync(IReadOnlyList<WorkerStatus> workers)
    {
        var pending = Db.ListLengthAsync(keys.Pending);
        var delayed = Db.SortedSetLengthAsync(keys.Delayed);
        var dead = Db.HashLengthAsync(keys.Dead);
        var pausedBy = await Db.StringGetAsync(keys.Paused);
        return new QueueCounts(await pending, workers.Sum(w => w.InFlight), await delayed, await dead, pausedBy.IsNull ? null : (string?)pausedBy);
    }

    public async Task<IReadOnlyList<WorkerStatus>> WorkersAsync()
    {
        var now = clock.GetUtcNow();
        var workers = new List<WorkerStatus>();
        foreach (var entry in await Db.SortedSetRangeByRankWithScoresAsync(keys.Workers))
        {
            var id = (string)entry.Element!;
            var info = (await Db.HashGetAllAsync(keys.Worker(id))).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
            var heartbeat = Stamps.Parse(info.GetValueOrDefault(WorkerRecordFields.HeartbeatAt));
            workers.Add(new WorkerStatus(
                id,
                info.GetValueOrDefault(WorkerRecordFields.Host) ?? "?",
                int.TryParse(info.GetValueOrDefault(WorkerRecordFields.Concurrency), out var concurrency) ? concurrency : 0,
                await Db.ListLengthAsync(keys.Processing(id)),
                info.GetValueOrDefault(WorkerRecordFields.Paused) == "1",
                Stamps.Parse(info.GetValueOrDefault(WorkerRecordFields.StartedAt)),
                heartbeat is { } at ? now - at : null,
                entry.Score < now.ToUnixTimeMilliseconds()));
        }
        return workers;
    }

    /// <summary>
    /// Each minute's counters from <paramref name="from"/> to <paramref name="to"/> (both included), oldest first,
    /// gaps as zero: tasks processed and failed, failures by category, pages, and the delivered tasks' durations.
    /// </summary>
    public async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var first = TaskJournal.MinuteOf(from);
        var minutes = Enumerable.Range(0, (int)Math.Max(0, TaskJournal.MinuteOf(to) - first + 1)).Select(i => first + i).ToList();
        var batch = Db.CreateBatch();
        var reads = minutes.Select(m => batch.HashGetAllAsync(keys.Stats(m))).ToList();
        batch.Execute();
        var points = new List<ThroughputPoint>(minutes.Count);
        for (var i = 0; i < minutes.Count; i++)
        {
            points.Add(ThroughputPoint.From(DateTimeOffset.FromUnixTimeSeconds(minutes[i] * 60),
                (await reads[i]).ToDictionary(e => (string)e.Name!, e => (long)e.Value)));
        }
        return points;
    }

    /// <summary>The last <paramref name="span"/> of <see cref="ThroughputAsync(DateTimeOffset, DateTimeOffset)"/>, up to this minute.</summary>
    public Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(TimeSpan span)
    {
        var now = clock.GetUtcNow();
        return ThroughputAsync(now - span + TimeSpan.FromMinutes(1), now);
    }

    /// <summary>Tasks whose id or file name starts with <paramref name="term"/> (case-insensitive), newest first.</summary>
    public Task<IReadOnlyList<TaskSummary>> SearchAsync(string term) => SearchAsync(new TaskQuery(term));

    /// <summary>
    /// Tasks matching <paramref name="query"/>, newest first, at most <see cref="SearchLimit"/>: its text is a task id
    /// or file name prefix, or <c>key=value</c> for a metadata pair (the value by prefix); its time range holds the
    /// task's last activity.
    /// </summary>
    public async Task<IReadOnlyList<TaskSummary>> SearchAsync(TaskQuery query)
    {
        var term = query.Text.Trim();
        IEnumerable<string> ids;
        if (term.Length == 0)
        {
            // Newest first within the range; the range bounds the recent-tasks index directly.
            var entries = await Db.SortedSetRangeByScoreAsync(keys.RecentTasks,
                query.From?.ToUnixTimeMilliseconds() ?? double.NegativeInfinity, query.To?.ToUnixTimeMilliseconds() ?? double.PositiveInfinity,
                Exclude.None, Order.Descending, 0, SearchLimit);
            return await SummariesAsync(entries.Select(id => (string)id!), pruneIndex: false);
        }
        if (TaskQuery.MetadataPair(term) is { } pair)
        {
            ids = await IndexPrefixAsync(TaskJournal.MetadataPrefix(pair.Key, pair.Value), SearchLimit * 4);
        }
        else
        {
            var lower = term.ToLowerInvariant();
            ids = [.. await IndexPrefixAsync("i:" + lower, SearchLimit * 4), .. await IndexPrefixAsync("n:" + lower, SearchLimit * 4)];
        }
        var found = await SummariesAsync(ids.Distinct(StringComparer.Ordinal), pruneIndex: true);
        return [.. found.Where(s => query.Contains(s.LastActivityAt)).Take(SearchLimit)];
    }

    /// <summary>Task ids of the index entries that start with <paramref name="prefix"/>.</summary>
    private async Task<IEnumerable<string>> IndexPrefixAsync(string prefix, int limit)
    {
        // [prefix, prefix + 0xFF): 0xFF never occurs in UTF-8, so this is exactly "starts with".
        byte[] from = Encoding.UTF8.GetBytes(prefix);
        byte[] to = [.. from, 0xFF];
        var entries = await Db.SortedSetRangeByValueAsync(keys.TaskIndex, from, to, Exclude.Stop, Order.Ascending, 0, limit);
        return entries.Select(e => TaskJournal.TaskIdOf(e!));
    }

    public async Task<IReadOnlyList<TaskSummary>> RecentAsync(int count = SearchLimit)
    {
        var ids = await Db.SortedSetRangeByRankAsync(keys.RecentTasks, 0, count - 1, Order.Descending);
        return await SummariesAsync(ids.Select(id => (string)id!), pruneIndex: false);
    }

    public async Task<TaskDetails?> TaskAsync(string taskId)
    {
        var fields = await Db.HashGetAllAsync(keys.Task(taskId));
        var dead = await Db.HashGetAsync(keys.Dead, taskId);
        if (fields.Length == 0 && dead.IsNull)
        {
            return null;
        }
        var events = await Db.ListRangeAsync(keys.TaskEvents(taskId));
        return new TaskDetails(
            taskId,
            TaskRecord.From(fields.ToDictionary(f => (string)f.Name!, f => (string?)f.Value ?? "")),
            [.. events.Select(e => JsonSerializer.Deserialize((string)e!, TaskQueueJsonContext.Default.TaskEvent)!)],
            dead.IsNull ? null : JsonSerializer.Deserialize((string)dead!, TaskQueueJsonContext.Default.DeadLetter));
    }

    private async Task<IReadOnlyList<TaskSummary>> SummariesAsync(IEnumerable<string> ids, bool pruneIndex)
    {
        var summaries = new List<TaskSummary>();
        foreach (var id in ids)
        {
            // Both reads in flight at once: one round trip per task, not two.
            var reading = Db.HashGetAsync(keys.Task(id),
                [TaskRecordFields.FileName, TaskRecordFields.Status, TaskRecordFields.Attempts, TaskRecordFields.LastStartedAt, TaskRecordFields.LastErrorCategory]);
            var lastActivity = await Db.SortedSetScoreAsync(keys.RecentTasks, id);
            var values = await reading;
            if (values[1].IsNull)
            {
                if (pruneIndex)
                {
                    // The task's history expired; its index entries go with it.
                    await Db.SortedSetRemoveAsync(keys.TaskIndex, TaskJournal.IdEntry(id));
                }
                continue;
            }
            summaries.Add(new TaskSummary(id, (string?)values[0] ?? "", (string)values[1]!, (int?)values[2] ?? 0,
                Stamps.Parse(values[3]), values[4].IsNullOrEmpty ? null : (string?)values[4],
                lastActivity is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null));
        }
        return [.. summaries.OrderByDescending(s => s.LastActivityAt ?? s.LastStartedAt ?? DateTimeOffset.MinValue)];
    }
}
