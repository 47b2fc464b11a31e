using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// The queue's moves. A task's payload is in exactly one place at a time — pending, one worker's processing list,
/// delayed or dead — and every move between places is a single atomic Redis step, with the history it makes
/// (<see cref="TaskJournal"/>) in the same transaction.
/// </summary>
public sealed class QueueMoves(IConnectionMultiplexer redis, QueueKeys keys, TaskHistory history)
{
    private IDatabase Db => redis.GetDatabase();

    public QueueKeys Keys => keys;

    /// <summary>
    /// Takes the oldest pending task into the worker's processing list, waiting up to <paramref name="wait"/>.
    /// BLMOVE blocks its connection, so <paramref name="blockingConnection"/> must be one no other caller shares.
    /// </summary>
    /// <returns>The task, whose outcomes remove it from the processing list again; null when none came.</returns>
    public async Task<FetchedTask?> TakeAsync(IDatabase blockingConnection, string workerId, TimeSpan wait)
    {
        var result = await blockingConnection.ExecuteAsync("BLMOVE",
            keys.Pending, keys.Processing(workerId), "RIGHT", "LEFT", wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        return result.IsNull ? null : new FetchedTask(this, history, workerId, (byte[])result!);
    }

    /// <summary>Ingest has the result: the task leaves the processing list, and its history records the outcome.</summary>
    internal async Task AcknowledgeAsync(string workerId, string payload, string taskId, TaskResult result, DateTimeOffset now)
    {
        var tx = Db.CreateTransaction();
        _ = tx.ListRemoveAsync(keys.Processing(workerId), payload, count: 1);
        TaskJournal.RecordDone(tx, keys, taskId, workerId, result, now);
        await tx.ExecuteAsync();
    }

    /// <summary>Moves the task from processing to the delayed set, due at <paramref name="dueAt"/>.</summary>
    internal async Task ScheduleRetryAsync(string workerId, string payload, string taskId, FailureCategory category, string message,
        DateTimeOffset dueAt, DateTimeOffset now)
    {
        var tx = Db.CreateTransaction();
        _ = tx.SortedSetAddAsync(keys.Delayed, payload, dueAt.ToUnixTimeMilliseconds());
        _ = tx.ListRemoveAsync(keys.Processing(workerId), payload, count: 1);
        TaskJournal.RecordRetry(tx, keys, taskId, workerId, category, message, dueAt, now);
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
    internal async Task DeadLetterOversizedAsync(string workerId, DeadLetter letter, long length, string sha1)
    {
        var tx = Db.CreateTransaction();
        _ = tx.ScriptEvaluateAsync(QueueScripts.RemoveByDigest, [keys.Processing(workerId)], [length, sha1]);
        WriteDeadLetter(tx, workerId, letter);
        await tx.ExecuteAsync();
    }

    private void WriteDeadLetter(ITransaction tx, string workerId, DeadLetter letter)
    {
        _ = tx.HashSetAsync(keys.Dead, letter.TaskId, JsonSerializer.Serialize(letter, TaskQueueJsonContext.Default.DeadLetter));
        TaskJournal.RecordDeadLetter(tx, keys, workerId, letter);
    }

    /// <summary>Moves retries that are due back to the pending list. Returns how many moved.</summary>
    public async Task<int> PromoteDueAsync(DateTimeOffset now, int batch = 500) =>
        (int)await Db.ScriptEvaluateAsync(QueueScripts.PromoteDue, [keys.Delayed, keys.Pending], [now.ToUnixTimeMilliseconds(), batch]);

    /// <summary>
    /// Returns an entry of a live worker's processing list that the worker does not hold to the front of pending:
    /// a BLMOVE whose reply was lost with the connection, or an outcome that could not be written while Redis was away.
    /// </summary>
    public async Task<bool> ReturnStrayAsync(string workerId, string payload) =>
        (int)await Db.ScriptEvaluateAsync(QueueScripts.ReturnStray, [keys.Processing(workerId), keys.Pending], [payload]) == 1;

    public Task<bool> IsPausedAsync() => Db.KeyExistsAsync(keys.Paused);

    public async Task<long> PendingLengthAsync() => await Db.ListLengthAsync(keys.Pending);
}
