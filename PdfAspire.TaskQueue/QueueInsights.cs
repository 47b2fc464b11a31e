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

    /// <summary>Processed and failed tasks per minute over the last <paramref name="span"/>, oldest first, gaps as zero.</summary>
    public async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(TimeSpan span)
    {
        var last = TaskJournal.MinuteOf(clock.GetUtcNow());
        var minutes = Enumerable.Range(0, (int)span.TotalMinutes).Select(i => last - (long)span.TotalMinutes + 1 + i).ToList();
        var batch = Db.CreateBatch();
        var reads = minutes.Select(m => batch.HashGetAsync(keys.Stats(m), [TaskJournal.Processed, TaskJournal.Failed])).ToList();
        batch.Execute();
        var points = new List<ThroughputPoint>(minutes.Count);
        for (var i = 0; i < minutes.Count; i++)
        {
            var values = await reads[i];
            points.Add(new ThroughputPoint(DateTimeOffset.FromUnixTimeSeconds(minutes[i] * 60), (long?)values[0] ?? 0, (long?)values[1] ?? 0));
        }
        return points;
    }

    /// <summary>Tasks whose id or file name starts with <paramref name="term"/> (case-insensitive), newest first.</summary>
    public async Task<IReadOnlyList<TaskSummary>> SearchAsync(string term)
    {
        term = term.Trim().ToLowerInvariant();
        if (term.Length == 0)
        {
            return await RecentAsync();
        }
        var ids = new List<string>();
        foreach (var kind in new[] { "i:", "n:" })
        {
            // [prefix, prefix + 0xFF): 0xFF never occurs in UTF-8, so this is exactly "starts with".
            byte[] from = Encoding.UTF8.GetBytes(kind + term);
            byte[] to = [.. from, 0xFF];
            var entries = await Db.SortedSetRangeByValueAsync(keys.TaskIndex, from, to, Exclude.Stop, Order.Ascending, 0, SearchLimit);
            ids.AddRange(entries.Select(e => TaskJournal.TaskIdOf(e!)));
        }
        return await SummariesAsync(ids.Distinct(StringComparer.Ordinal), pruneIndex: true);
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
            var values = await Db.HashGetAsync(keys.Task(id),
                [TaskRecordFields.FileName, TaskRecordFields.Status, TaskRecordFields.Attempts, TaskRecordFields.LastStartedAt, TaskRecordFields.LastErrorCategory]);
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
                Stamps.Parse(values[3]), values[4].IsNullOrEmpty ? null : (string?)values[4]));
        }
        return [.. summaries.OrderByDescending(s => s.LastStartedAt ?? DateTimeOffset.MinValue)];
    }


}
