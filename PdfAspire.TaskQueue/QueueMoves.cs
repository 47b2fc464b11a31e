using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// The queue's moves. A task's payload is in exactly one place at a time — pending, one worker's processing list,
/// delayed or dead — and every move between places is a single atomic Redis step, with the history it makes in the
/// same script (<see cref="HistoryScripts"/>): a task costs Redis two round trips while work is waiting (its attempt, and
/// its outcome, which takes the next task in the same step), three when its take had to wait (BLMOVE).
/// </summary>
public sealed class QueueMoves(IConnectionMultiplexer redis, QueueKeys keys, TaskHistory history, IOptions<RetentionOptions> retention)
{
    private readonly DetailsSlots _detailsSlots = new(redis, keys.ResultDetailsNext);

    private IDatabase Db => redis.GetDatabase();

    public QueueKeys Keys => keys;

    /// <summary>
    /// Takes the oldest pending task into the worker's processing list, waiting up to <paramref name="wait"/>.
    /// BLMOVE blocks its connection, so <paramref name="blockingConnection"/> must be one no other caller shares.
    /// </summary>
    /// <returns>The task, whose outcomes remove it from the processing list again; null when none came.</returns>
    public async Task<FetchedTask?> TakeAsync(IDatabase blockingConnection, string workerId, TimeSpan wait)
    {
        // Keys typed as keys, so a cluster client sends the command to the node of their slot.
        var result = await blockingConnection.ExecuteAsync("BLMOVE",
            (RedisKey)keys.Pending, (RedisKey)keys.Processing(workerId), "RIGHT", "LEFT", wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        return Next(workerId, result);
    }

    /// <summary>Takes the oldest pending task into the worker's processing list if one waits, without waiting (LMOVE).</summary>
    public async Task<FetchedTask?> TryTakeAsync(string workerId) =>
        Next(workerId, await Db.ExecuteAsync("LMOVE", (RedisKey)keys.Pending, (RedisKey)keys.Processing(workerId), "RIGHT", "LEFT"));

    /// <summary>
    /// Ingest has the result: the task leaves the processing list, and its history records the outcome. With
    /// <paramref name="takeNext"/>, the next pending task is taken in the same step and returned (null when none waits).
    /// </summary>
    internal async Task<FetchedTask?> AcknowledgeAsync(string workerId, string payload, TaskAttempt attempt, string taskId, TaskResult result,
        DateTimeOffset now, bool takeNext)
    {
        RedisKey[] scriptKeys = [keys.Processing(workerId), keys.Task(taskId), keys.RecentTasks, keys.TaskEvents(taskId), keys.ResultDetails, keys.Pending];
        var kept = retention.Value.DetailsMaxTasks;
        var details = result.Details is { } d && kept > 0 ? JsonSerializer.Serialize(d, TaskQueueJsonContext.Default.ResultDetails) : null;
        RedisValue[] args =
        [
            payload, taskId, Stamps.Milliseconds(now), details ?? "", details is null ? "" : await _detailsSlots.NextAsync(kept),
            attempt.HasTimeline
                ? TaskJournal.Json(new TaskEvent
                {
                    At = now,
                    Kind = TaskEventKinds.Succeeded,
                    Worker = workerId,
                    DurationMs = result.DurationMs,
                    Message = $"{result.PageCount} pages, {result.FailedPageCount} failed",
                })
                : "",
            takeNext ? "1" : "0",
            .. TaskRecord.ResultFields(result).SelectMany(f => new[] { (RedisValue)f.Field, f.Value }),
        ];
        return Next(workerId, await Db.ScriptEvaluateAsync(HistoryScripts.Acknowledge, scriptKeys, args));
    }

    /// <summary>Moves the task from processing to the delayed set, due at <paramref name="dueAt"/> (and takes the next, as acknowledging does).</summary>
    internal async Task<FetchedTask?> ScheduleRetryAsync(string workerId, string payload, TaskAttempt attempt, string taskId, FailureCategory category,
        string message, DateTimeOffset dueAt, DateTimeOffset now, bool takeNext)
    {
        RedisKey[] scriptKeys = [keys.Processing(workerId), keys.Delayed, keys.Task(taskId), keys.RecentTasks, keys.TaskEvents(taskId), keys.Pending];
        RedisValue[] args =
        [
            payload, taskId, Stamps.Milliseconds(now), Stamps.Milliseconds(dueAt), category.WireName(), TaskJournal.Clip(message),
            category.Retry() == RetryKind.Infrastructure ? "1" : "0",
            TaskJournal.Json(new TaskEvent
            {
                At = now, Kind = TaskEventKinds.RetryScheduled, Worker = workerId, Category = category.WireName(), Message = message, NextAttemptAt = dueAt,
            }),
            attempt.StartedEvent, TaskJournal.MaxEvents, takeNext ? "1" : "0",
        ];
        return Next(workerId, await Db.ScriptEvaluateAsync(HistoryScripts.ScheduleRetry, scriptKeys, args));
    }

    /// <summary>
    /// Moves the task from processing to the dead letters, keeping its payload for a retry (and takes the next, as
    /// acknowledging does). <paramref name="attempt"/> is null when none began (a payload that is not a valid task). A
    /// payload over the size limit is found by its <paramref name="oversized"/> length and SHA-1 inside Redis, so it
    /// never travels back over the network, and the letter keeps only its beginning.
    /// </summary>
    internal async Task<FetchedTask?> DeadLetterAsync(string workerId, string payload, DeadLetter letter, TaskAttempt? attempt, bool takeNext,
        (long Length, string Sha1)? oversized = null)
    {
        RedisKey[] scriptKeys =
        [
            keys.Processing(workerId), keys.Dead, keys.Task(letter.TaskId), keys.RecentTasks, keys.TaskEvents(letter.TaskId), keys.Pending,
            keys.DeadIndex, keys.DeadSummaries, keys.DeadCounts,
        ];
        RedisValue[] args =
        [
            payload, letter.TaskId, JsonSerializer.Serialize(letter, TaskQueueJsonContext.Default.DeadLetter), Stamps.Milliseconds(letter.FailedAt),
            letter.Category, TaskJournal.Clip(letter.Message),
            TaskJournal.Json(new TaskEvent
            {
                At = letter.FailedAt, Kind = TaskEventKinds.DeadLettered, Worker = workerId, Attempt = letter.Attempts, Category = letter.Category,
                Message = letter.Message,
            }),
            attempt?.StartedEvent ?? "", TaskJournal.MaxEvents,
            oversized is { } o ? o.Length : "", oversized?.Sha1 ?? "", takeNext ? "1" : "0",
            DeadLetterSummary.Of(letter).ToJson(),
        ];
        return Next(workerId, await Db.ScriptEvaluateAsync(HistoryScripts.DeadLetter, scriptKeys, args));
    }

    private FetchedTask? Next(string workerId, RedisResult taken) => taken.IsNull ? null : new FetchedTask(this, history, workerId, (byte[])taken!);

    /// <summary>
    /// Moves retries that are due back to the pending list. Returns how many moved, and when the next one is due (null
    /// when none waits), so the caller can come back exactly then instead of polling.
    /// </summary>
    public async Task<(int Moved, DateTimeOffset? NextDue)> PromoteDueAsync(DateTimeOffset now, int batch = 500)
    {
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(QueueScripts.PromoteDue, [keys.Delayed, keys.Pending], [Stamps.Milliseconds(now), batch]))!;
        return ((int)reply[0], Stamps.Parse((string?)reply[1]));
    }

    /// <summary>
    /// Returns an entry of a live worker's processing list that the worker does not hold to the front of pending:
    /// a BLMOVE whose reply was lost with the connection, or an outcome that could not be written while Redis was away.
    /// </summary>
    public async Task<bool> ReturnStrayAsync(string workerId, string payload) =>
        (int)await Db.ScriptEvaluateAsync(QueueScripts.ReturnStray, [keys.Processing(workerId), keys.Pending], [payload]) == 1;

    public async Task<long> PendingLengthAsync() => await Db.ListLengthAsync(keys.Pending);
}
