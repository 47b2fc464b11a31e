using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// The queue contract's operations. A task's payload is in exactly one place at a time — pending, one worker's
/// processing list, delayed or dead — and every move between places is a single atomic Redis step.
/// </summary>
public sealed class ReliableQueue(IConnectionMultiplexer redis, QueueKeys keys)
{
    /// <summary>How long a finished task's history is kept.</summary>
    public static readonly TimeSpan HistoryRetention = TimeSpan.FromDays(7);

    private IDatabase Db => redis.GetDatabase();

    public QueueKeys Keys => keys;

    /// <summary>
    /// Takes the oldest pending task into the worker's processing list, waiting up to <paramref name="wait"/>.
    /// BLMOVE blocks its connection, so <paramref name="blockingConnection"/> must be one no other caller shares.
    /// </summary>
    /// <returns>The task's bytes exactly as they sit in the processing list; null when none came.</returns>
    public static async Task<byte[]?> TakeAsync(IDatabase blockingConnection, QueueKeys keys, string workerId, TimeSpan wait)
    {
        var result = await blockingConnection.ExecuteAsync("BLMOVE",
            keys.Pending, keys.Processing(workerId), "RIGHT", "LEFT", wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        return result.IsNull ? null : (byte[]?)result;
    }

    /// <summary>Counts the attempt before any parsing, so a document that kills the process cannot loop forever.</summary>
    public async Task<TaskAttempt> BeginAttemptAsync(UploadTask task, string workerId, DateTimeOffset now)
    {
        var key = keys.Task(task.TaskId!);
        var tx = Db.CreateTransaction();
        var attempts = tx.HashIncrementAsync(key, TaskRecordFields.Attempts);
        _ = tx.HashSetAsync(key, TaskRecordFields.FirstAttemptAt, Stamp(now), When.NotExists);
        var firstAttempt = tx.HashGetAsync(key, TaskRecordFields.FirstAttemptAt);
        var lastCategory = tx.HashGetAsync(key, TaskRecordFields.LastErrorCategory);
        var infrastructureRetries = tx.HashGetAsync(key, TaskRecordFields.InfrastructureRetries);
        _ = tx.HashSetAsync(key,
        [
            new(TaskRecordFields.TaskId, task.TaskId),
            new(TaskRecordFields.FileName, task.FileName ?? ""),
            new(TaskRecordFields.Bucket, task.Bucket ?? ""),
            new(TaskRecordFields.ObjectKey, task.ObjectKey ?? ""),
            new(TaskRecordFields.SubmittedAt, task.SubmittedAt is { } s ? Stamp(s) : ""),
            new(TaskRecordFields.IdDerived, UploadTaskParser.IsDerived(task.TaskId!) ? "1" : "0"),
            new(TaskRecordFields.Status, TaskStatuses.Processing),
            new(TaskRecordFields.Worker, workerId),
            new(TaskRecordFields.LastStartedAt, Stamp(now)),
        ]);
        _ = tx.KeyExpireAsync(key, HistoryRetention);
        TaskJournal.Index(tx, keys, task.TaskId!, task.FileName);
        TaskJournal.AddEvent(tx, keys, task.TaskId!, new TaskEvent { At = now, Kind = TaskEventKinds.Started, Worker = workerId });
        await tx.ExecuteAsync();
        return new TaskAttempt((int)await attempts, (int?)await infrastructureRetries ?? 0,
            ParseStamp(await firstAttempt), FailureCategories.FromWireName(await lastCategory));
    }

    /// <summary>Gives back an attempt that was not the document's fault (ingest down, the worker shutting down).</summary>
    public Task RefundAttemptAsync(string taskId) => Db.HashDecrementAsync(keys.Task(taskId), TaskRecordFields.Attempts);

    /// <summary>Ingest has the result: the task leaves the processing list, and its history records the outcome.</summary>
    public async Task AcknowledgeAsync(string workerId, string payload, string taskId, TaskResultSummary result, DateTimeOffset now)
    {
        var tx = Db.CreateTransaction();
        _ = tx.ListRemoveAsync(keys.Processing(workerId), payload, count: 1);
        _ = tx.HashSetAsync(keys.Task(taskId),
        [
            new(TaskRecordFields.Status, TaskStatuses.Done),
            new(TaskRecordFields.CompletedAt, Stamp(now)),
            new(TaskRecordFields.PageCount, result.PageCount),
            new(TaskRecordFields.FailedPages, result.FailedPages),
            new(TaskRecordFields.DurationMs, (long)result.Duration.TotalMilliseconds),
        ]);
        _ = tx.KeyExpireAsync(keys.Task(taskId), HistoryRetention);
        TaskJournal.AddEvent(tx, keys, taskId, new TaskEvent
        {
            At = now,
            Kind = TaskEventKinds.Succeeded,
            Worker = workerId,
            DurationMs = (long)result.Duration.TotalMilliseconds,
            Message = $"{result.PageCount} pages, {result.FailedPages} failed",
        });
        TaskJournal.Count(tx, keys, now, TaskJournal.Processed);
        await tx.ExecuteAsync();
    }

    /// <summary>Moves the task from processing to the delayed set, due at <paramref name="dueAt"/>.</summary>
    public async Task ScheduleRetryAsync(string workerId, string payload, string taskId, FailureCategory category, string message, DateTimeOffset dueAt, DateTimeOffset now)
    {
        var tx = Db.CreateTransaction();
        _ = tx.SortedSetAddAsync(keys.Delayed, payload, dueAt.ToUnixTimeMilliseconds());
        _ = tx.ListRemoveAsync(keys.Processing(workerId), payload, count: 1);
        if (category.Retry() == RetryKind.Infrastructure)
        {
            _ = tx.HashIncrementAsync(keys.Task(taskId), TaskRecordFields.InfrastructureRetries);
        }
        _ = tx.HashSetAsync(keys.Task(taskId),
        [
            new(TaskRecordFields.Status, TaskStatuses.Retrying),
            new(TaskRecordFields.LastErrorCategory, category.WireName()),
            new(TaskRecordFields.LastError, message),
            new(TaskRecordFields.NextAttemptAt, Stamp(dueAt)),
        ]);
        TaskJournal.AddEvent(tx, keys, taskId, new TaskEvent
        {
            At = now,
            Kind = TaskEventKinds.RetryScheduled,
            Worker = workerId,
            Category = category.WireName(),
            Message = message,
            NextAttemptAt = dueAt,
        });
        TaskJournal.Count(tx, keys, now, TaskJournal.Failed);
        await tx.ExecuteAsync();
    }

    /// <summary>Moves the task from processing to the dead letters, keeping its payload for a retry.</summary>
    public async Task DeadLetterAsync(string workerId, DeadLetter letter)
    {
        var tx = Db.CreateTransaction();
        _ = tx.ListRemoveAsync(keys.Processing(workerId), letter.Payload, count: 1);
        WriteDeadLetter(tx, workerId, letter);
        await tx.ExecuteAsync();
    }

    /// <summary>
    /// Moves a payload over the size limit from processing to the dead letters. The letter keeps a prefix of it
    /// (<paramref name="letter"/>'s payload), not the whole: the payload is found in the processing list by its length
    /// and SHA-1 inside Redis, so it never travels back over the network, and Redis never stores it twice.
    /// </summary>
    public async Task DeadLetterOversizedAsync(string workerId, DeadLetter letter, long length, string sha1)
    {
        var tx = Db.CreateTransaction();
        _ = tx.ScriptEvaluateAsync(QueueScripts.RemoveByDigest, [keys.Processing(workerId)], [length, sha1]);
        WriteDeadLetter(tx, workerId, letter);
        await tx.ExecuteAsync();
    }

    private void WriteDeadLetter(ITransaction tx, string workerId, DeadLetter letter)
    {
        _ = tx.HashSetAsync(keys.Dead, letter.TaskId, JsonSerializer.Serialize(letter, DeadLetterJsonContext.Default.DeadLetter));
        _ = tx.HashSetAsync(keys.Task(letter.TaskId),
        [
            new(TaskRecordFields.Status, TaskStatuses.Dead),
            new(TaskRecordFields.LastErrorCategory, letter.Category),
            new(TaskRecordFields.LastError, letter.Message),
            new(TaskRecordFields.CompletedAt, Stamp(letter.FailedAt)),
        ]);
        _ = tx.KeyExpireAsync(keys.Task(letter.TaskId), HistoryRetention);
        TaskJournal.Index(tx, keys, letter.TaskId, letter.FileName);
        TaskJournal.AddEvent(tx, keys, letter.TaskId, new TaskEvent
        {
            At = letter.FailedAt,
            Kind = TaskEventKinds.DeadLettered,
            Worker = workerId,
            Attempt = letter.Attempts,
            Category = letter.Category,
            Message = letter.Message,
        });
        TaskJournal.Count(tx, keys, letter.FailedAt, TaskJournal.Failed);
        TaskJournal.Count(tx, keys, letter.FailedAt, TaskJournal.DeadLettered);
    }

    /// <summary>Moves retries that are due back to the pending list. Returns how many moved.</summary>
    public async Task<int> PromoteDueAsync(DateTimeOffset now, int batch = 500) =>
        (int)await Db.ScriptEvaluateAsync(QueueScripts.PromoteDue, [keys.Delayed, keys.Pending], [now.ToUnixTimeMilliseconds(), batch]);

    /// <summary>Records that the worker is alive until <paramref name="leaseUntil"/>, with what the admin shows of it.</summary>
    public async Task RenewLeaseAsync(WorkerInfo worker, DateTimeOffset leaseUntil, TimeSpan leaseTimeout)
    {
        var tx = Db.CreateTransaction();
        _ = tx.SortedSetAddAsync(keys.Workers, worker.WorkerId, leaseUntil.ToUnixTimeMilliseconds());
        _ = tx.HashSetAsync(keys.Worker(worker.WorkerId),
        [
            new("host", worker.Host),
            new("concurrency", worker.Concurrency),
            new("in_flight", worker.InFlight),
            new("paused", worker.Paused ? "1" : "0"),
            new("started_at", Stamp(worker.StartedAt)),
            new("heartbeat_at", Stamp(leaseUntil - leaseTimeout)),
        ]);
        _ = tx.KeyExpireAsync(keys.Worker(worker.WorkerId), leaseTimeout * 2);
        await tx.ExecuteAsync();
    }

    /// <summary>
    /// Returns the in-flight tasks of every worker whose lease has expired to pending, and with
    /// <paramref name="includeOrphans"/> those of processing lists no worker owns (left by a worker that died before its
    /// first heartbeat). Finding orphans scans the keyspace, so callers do it rarely. Any worker may call this; the
    /// script makes concurrent calls safe.
    /// </summary>
    public async Task<int> ReapAsync(DateTimeOffset now, bool includeOrphans)
    {
        var orphans = includeOrphans ? await OrphanedListsAsync(now) : [];
        RedisValue[] args = [now.ToUnixTimeMilliseconds(), keys.ProcessingPrefix, keys.WorkerPrefix, .. orphans];
        return (int)await Db.ScriptEvaluateAsync(QueueScripts.ReapWorkers, [keys.Workers, keys.Pending], args);
    }

    private async Task<List<RedisValue>> OrphanedListsAsync(DateTimeOffset now)
    {
        var live = (await Db.SortedSetRangeByScoreAsync(keys.Workers, now.ToUnixTimeMilliseconds(), double.PositiveInfinity))
            .Select(w => (string)w!).ToHashSet(StringComparer.Ordinal);
        var orphans = new List<RedisValue>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: keys.ProcessingPrefix + "*", pageSize: 500))
            {
                var worker = ((string)key!)[keys.ProcessingPrefix.Length..];
                if (!live.Contains(worker))
                {
                    orphans.Add(worker);
                }
            }
        }
        return orphans;
    }

    /// <summary>On shutdown: returns what this worker could not finish to the front of pending and ends its lease.</summary>
    public async Task<int> ReleaseAsync(string workerId)
    {
        RedisValue[] args = [0, keys.ProcessingPrefix, keys.WorkerPrefix, workerId];
        return (int)await Db.ScriptEvaluateAsync(QueueScripts.ReapWorkers, [keys.Workers, keys.Pending], args);
    }

    /// <summary>What this worker's processing list holds, as Redis sees it.</summary>
    public async Task<IReadOnlyList<string>> HeldAsync(string workerId) =>
        [.. (await Db.ListRangeAsync(keys.Processing(workerId))).Select(v => (string)v!)];

    /// <summary>
    /// Returns an entry of a live worker's processing list that the worker does not hold to the front of pending:
    /// a BLMOVE whose reply was lost with the connection, or an outcome that could not be written while Redis was away.
    /// </summary>
    public async Task<bool> ReturnStrayAsync(string workerId, string payload) =>
        (int)await Db.ScriptEvaluateAsync(QueueScripts.ReturnStray, [keys.Processing(workerId), keys.Pending], [payload]) == 1;

    public Task<bool> IsPausedAsync() => Db.KeyExistsAsync(keys.Paused);

    public async Task<long> PendingLengthAsync() => await Db.ListLengthAsync(keys.Pending);

    /// <summary>Drops recent-task entries older than the history they point to.</summary>
    public Task TrimHistoryAsync(DateTimeOffset now) =>
        Db.SortedSetRemoveRangeByScoreAsync(keys.RecentTasks, double.NegativeInfinity, (now - HistoryRetention).ToUnixTimeMilliseconds());

    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset? ParseStamp(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
}

/// <summary>What the worker learns when it counts an attempt.</summary>
public sealed record TaskAttempt(int Number, int InfrastructureRetries, DateTimeOffset? FirstAttemptAt, FailureCategory? LastFailure);

/// <summary>What the task history keeps of a result.</summary>
public sealed record TaskResultSummary(int PageCount, int FailedPages, TimeSpan Duration);

/// <summary>
/// What a worker publishes about itself with each heartbeat. <c>Paused</c> is true once the worker has seen the
/// pause and will take nothing more until it is lifted.
/// </summary>
public sealed record WorkerInfo(string WorkerId, string Host, int Concurrency, int InFlight, DateTimeOffset StartedAt, bool Paused);
