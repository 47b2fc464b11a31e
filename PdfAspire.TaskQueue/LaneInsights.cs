using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What the dashboard reads of one lane: counts, workers, throughput per minute, task search and one task's history.
/// Each read is one or two round trips, whatever it shows. <see cref="QueueInsights"/> reads every lane and merges.
/// </summary>
internal sealed class LaneInsights(IConnectionMultiplexer redis, QueueKeys keys, TimeProvider clock)
{
    private const int SearchLimit = QueueInsights.SearchLimit;

    public string Lane => keys.Pending;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// The lane's counts. In flight is the sum of <paramref name="workers"/>' processing lists (read by
    /// <see cref="WorkersAsync"/>), not a scan of the keyspace: a dead worker stays in the lease set until it is reaped.
    /// </summary>
    public async Task<(LaneCounts Counts, string? PausedBy)> CountsAsync(IReadOnlyList<WorkerStatus> workers)
    {
        var batch = Db.CreateBatch();
        var pending = batch.ListLengthAsync(keys.Pending);
        var delayed = batch.SortedSetLengthAsync(keys.Delayed);
        var dead = batch.HashLengthAsync(keys.Dead);
        var pausedBy = batch.StringGetAsync(keys.Paused);
        batch.Execute();
        var paused = await pausedBy;
        return (new LaneCounts(Lane, await pending, workers.Sum(w => w.InFlight), await delayed, await dead, !paused.IsNull), paused.IsNull ? null : (string?)paused);
    }

    public async Task<IReadOnlyList<WorkerStatus>> WorkersAsync()
    {
        var now = clock.GetUtcNow();
        var leases = await Db.SortedSetRangeByRankWithScoresAsync(keys.Workers);
        var batch = Db.CreateBatch();
        var reads = leases.Select(l => (Info: batch.HashGetAllAsync(keys.Worker((string)l.Element!)), Held: batch.ListLengthAsync(keys.Processing((string)l.Element!))))
            .ToList();
        batch.Execute();
        var workers = new List<WorkerStatus>(leases.Length);
        for (var i = 0; i < leases.Length; i++)
        {
            var info = (await reads[i].Info).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
            var heartbeat = Stamps.Parse(info.GetValueOrDefault(WorkerRecordFields.HeartbeatAt));
            workers.Add(new WorkerStatus(
                (string)leases[i].Element!,
                info.GetValueOrDefault(WorkerRecordFields.Host) ?? "?",
                int.TryParse(info.GetValueOrDefault(WorkerRecordFields.Concurrency), out var concurrency) ? concurrency : 0,
                await reads[i].Held,
                info.GetValueOrDefault(WorkerRecordFields.Paused) == "1",
                Stamps.Parse(info.GetValueOrDefault(WorkerRecordFields.StartedAt)),
                heartbeat is { } at ? now - at : null,
                leases[i].Score < now.ToUnixTimeMilliseconds()));
        }
        return workers;
    }

    /// <summary>
    /// What the queue costs Redis: its memory and limits, how many tasks have a history, and the dead letters (which
    /// stay until an operator acts) with the memory they hold.
    /// </summary>
    public async Task<RedisUsage> RedisUsageAsync()
    {
        var memory = RedisMemory.ReadAsync(redis, keys.Pending);
        var batch = Db.CreateBatch();
        var histories = batch.SortedSetLengthAsync(keys.RecentTasks);
        var letters = batch.HashLengthAsync(keys.Dead);
        var letterBytes = batch.ExecuteAsync("MEMORY", "USAGE", (RedisKey)keys.Dead);
        batch.Execute();
        var bytes = await letterBytes;
        return new RedisUsage(await memory, await histories, await letters, bytes.IsNull ? 0 : (long)bytes);
    }

    /// <summary>
    /// Each minute's counters from <paramref name="from"/> to <paramref name="to"/> (both included), oldest first,
    /// gaps as zero: tasks processed and failed, failures by category, pages, and the delivered tasks' durations.
    /// </summary>
    public async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var first = ThroughputStats.MinuteOf(from);
        var minutes = Enumerable.Range(0, (int)Math.Max(0, ThroughputStats.MinuteOf(to) - first + 1)).Select(i => first + i).ToList();
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

    /// <summary>
    /// Tasks matching <paramref name="query"/>, newest first, at most <see cref="SearchLimit"/>: its text is a task id, a
    /// file name prefix or a metadata value prefix, or <c>key=value</c> for a metadata pair (the value by prefix); its
    /// time range holds the task's last activity.
    /// </summary>
    public async Task<IReadOnlyList<TaskSummary>> SearchAsync(TaskQuery query)
    {
        var term = query.Text.Trim();
        if (term.Length == 0)
        {
            // Newest first within the range; the range bounds the recent-tasks index directly.
            var recent = await Db.SortedSetRangeByScoreAsync(keys.RecentTasks,
                query.From?.ToUnixTimeMilliseconds() ?? double.NegativeInfinity, query.To?.ToUnixTimeMilliseconds() ?? double.PositiveInfinity,
                Exclude.None, Order.Descending, 0, SearchLimit);
            return await SummariesAsync(recent.Select(id => new Candidate((string)id!, null)));
        }
        List<Candidate> candidates = [new(term, null)];
        if (TaskQuery.MetadataPair(term) is { } pair)
        {
            var key = SearchEntries.MetadataKey(pair.Key);
            candidates.AddRange((await IndexPrefixAsync(SearchEntries.ValuePrefix(pair.Value), SearchLimit * 4))
                .Where(c => SearchEntries.MetadataKeyOf(c.Entry!) == key));
        }
        else
        {
            candidates.AddRange(await IndexPrefixAsync(SearchEntries.NamePrefix(term), SearchLimit * 4));
            candidates.AddRange(await IndexPrefixAsync(SearchEntries.ValuePrefix(term), SearchLimit * 4));
        }
        var found = await SummariesAsync(candidates.DistinctBy(c => c.TaskId));
        return [.. found.Where(s => query.Contains(s.LastActivityAt)).Take(SearchLimit)];
    }

    /// <summary>The index entries that start with <paramref name="prefix"/>, with their task ids.</summary>
    private async Task<IEnumerable<Candidate>> IndexPrefixAsync(string prefix, int limit)
    {
        // [prefix, prefix + 0xFF): 0xFF never occurs in UTF-8, so this is exactly "starts with".
        byte[] from = Encoding.UTF8.GetBytes(prefix);
        byte[] to = [.. from, 0xFF];
        var entries = await Db.SortedSetRangeByValueAsync(keys.TaskIndex, from, to, Exclude.Stop, Order.Ascending, 0, limit);
        return entries.Select(e => new Candidate(SearchEntries.TaskIdOf(e!), e!));
    }

    public async Task<IReadOnlyList<TaskSummary>> RecentAsync(int count = SearchLimit)
    {
        var ids = await Db.SortedSetRangeByRankAsync(keys.RecentTasks, 0, count - 1, Order.Descending);
        return await SummariesAsync(ids.Select(id => new Candidate((string)id!, null)));
    }

    public async Task<TaskDetails?> TaskAsync(string taskId)
    {
        var batch = Db.CreateBatch();
        var reading = batch.HashGetAllAsync(keys.Task(taskId));
        var dead = batch.HashGetAsync(keys.Dead, taskId);
        var events = batch.ListRangeAsync(keys.TaskEvents(taskId));
        batch.Execute();
        var fields = await reading;
        if (fields.Length == 0 && (await dead).IsNull)
        {
            return null;
        }
        var record = TaskRecord.From(fields.ToDictionary(f => (string)f.Name!, f => (string?)f.Value ?? ""));
        if (record is { Result: { } result, DetailsSlot: { } slot } && await DetailsAsync(taskId, slot) is { } details)
        {
            record = record with { Result = result with { Details = details } };
        }
        var timeline = (await events).Select(e => JsonSerializer.Deserialize((string)e!, TaskQueueJsonContext.Default.TaskEvent)!).ToList();
        var letter = await dead;
        return new TaskDetails(taskId, record, timeline.Count > 0 ? timeline : TimelineOf(record),
            letter.IsNull ? null : JsonSerializer.Deserialize((string)letter!, TaskQueueJsonContext.Default.DeadLetter)! with { Lane = Lane }, Lane);
    }

    /// <summary>The result's details, if the slot still holds this task's (a newer task may have taken it over).</summary>
    private async Task<ResultDetails?> DetailsAsync(string taskId, string slot)
    {
        var held = (string?)await Db.HashGetAsync(keys.ResultDetails, slot);
        var owner = taskId + "\n";
        return held is not null && held.StartsWith(owner, StringComparison.Ordinal)
            ? TaskRecord.Json(held[owner.Length..], TaskQueueJsonContext.Default.ResultDetails)
            : null;
    }

    /// <summary>
    /// The timeline of a task whose life was one start and, perhaps, its delivery: those keep no event list (what the
    /// events would say is in the record), so it is read off the record.
    /// </summary>
    private static List<TaskEvent> TimelineOf(TaskRecord record)
    {
        var timeline = new List<TaskEvent>();
        if (record.LastStartedAt is { } started)
        {
            timeline.Add(new TaskEvent { At = started, Kind = TaskEventKinds.Started, Worker = record.Worker });
        }
        if (record is { Status: TaskStatuses.Done, CompletedAt: { } completed, Result: { } result })
        {
            timeline.Add(new TaskEvent
            {
                At = completed,
                Kind = TaskEventKinds.Succeeded,
                Worker = record.Worker,
                DurationMs = result.DurationMs,
                Message = $"{result.PageCount} pages, {result.FailedPageCount} failed",
            });
        }
        return timeline;
    }

    /// <summary>A task a search may have found, and the index entry that led to it (null when it came from elsewhere).</summary>
    private sealed record Candidate(string TaskId, string? Entry);

    private async Task<IReadOnlyList<TaskSummary>> SummariesAsync(IEnumerable<Candidate> candidates)
    {
        var batch = Db.CreateBatch();
        var reads = candidates.Select(c => (Candidate: c,
            Record: batch.HashGetAsync(keys.Task(c.TaskId),
                [TaskRecordFields.FileName, TaskRecordFields.Status, TaskRecordFields.Attempts, TaskRecordFields.LastStartedAt, TaskRecordFields.LastErrorCategory]),
            LastActivity: batch.SortedSetScoreAsync(keys.RecentTasks, c.TaskId))).ToList();
        batch.Execute();
        var summaries = new List<TaskSummary>();
        foreach (var (candidate, record, lastActivity) in reads)
        {
            var values = await record;
            if (values[1].IsNull)
            {
                if (candidate.Entry is { } entry)
                {
                    // An entry whose history is gone (forgotten by hand, or by a version that let records expire).
                    await Db.SortedSetRemoveAsync(keys.TaskIndex, entry);
                }
                continue;
            }
            summaries.Add(new TaskSummary(candidate.TaskId, (string?)values[0] ?? "", (string)values[1]!, (int?)values[2] ?? 0,
                Stamps.Parse(values[3]), values[4].IsNullOrEmpty ? null : (string?)values[4],
                await lastActivity is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null, Lane));
        }
        return [.. summaries.OrderByDescending(s => s.LastActivityAt ?? s.LastStartedAt ?? DateTimeOffset.MinValue)];
    }
}
