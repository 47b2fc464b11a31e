using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// A task's history hash (<see cref="QueueKeys.Task"/>) outside the queue's moves: counting an attempt before the
/// document is touched, giving one back, and trimming the recent-tasks index. What the moves record goes into their
/// own transaction through <see cref="TaskJournal"/>.
/// </summary>
public sealed class TaskHistory(IConnectionMultiplexer redis, QueueKeys keys)
{
    /// <summary>How long a finished task's history is kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Counts the attempt before any parsing, so a document that kills the process cannot loop forever.</summary>
    public async Task<TaskAttempt> BeginAttemptAsync(ValidTask task, string workerId, DateTimeOffset now)
    {
        var key = keys.Task(task.TaskId);
        var tx = Db.CreateTransaction();
        var attempts = tx.HashIncrementAsync(key, TaskRecordFields.Attempts);
        _ = tx.HashSetAsync(key, TaskRecordFields.FirstAttemptAt, Stamps.Format(now), When.NotExists);
        var firstAttempt = tx.HashGetAsync(key, TaskRecordFields.FirstAttemptAt);
        var lastCategory = tx.HashGetAsync(key, TaskRecordFields.LastErrorCategory);
        var infrastructureRetries = tx.HashGetAsync(key, TaskRecordFields.InfrastructureRetries);
        _ = tx.HashSetAsync(key,
        [
            new(TaskRecordFields.TaskId, task.TaskId),
            new(TaskRecordFields.FileName, task.FileName),
            new(TaskRecordFields.Bucket, task.Bucket),
            new(TaskRecordFields.ObjectKey, task.ObjectKey),
            new(TaskRecordFields.SubmittedAt, task.SubmittedAt is { } s ? Stamps.Format(s) : ""),
            new(TaskRecordFields.IdDerived, task.IdDerived ? "1" : "0"),
            new(TaskRecordFields.Metadata, JsonSerializer.Serialize(task.Metadata, TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString)),
            new(TaskRecordFields.Status, TaskStatuses.Processing),
            new(TaskRecordFields.Worker, workerId),
            new(TaskRecordFields.LastStartedAt, Stamps.Format(now)),
        ]);
        _ = tx.KeyExpireAsync(key, Retention);
        TaskJournal.Index(tx, keys, task.TaskId, task.FileName, task.Metadata);
        TaskJournal.AddEvent(tx, keys, task.TaskId, new TaskEvent { At = now, Kind = TaskEventKinds.Started, Worker = workerId });
        await tx.ExecuteAsync();
        return new TaskAttempt((int)await attempts, (int?)await infrastructureRetries ?? 0,
            Stamps.Parse(await firstAttempt), FailureCategories.FromWireName(await lastCategory));
    }

    /// <summary>Gives back an attempt that was not the document's fault (ingest down, the worker shutting down).</summary>
    public Task RefundAttemptAsync(string taskId) => Db.HashDecrementAsync(keys.Task(taskId), TaskRecordFields.Attempts);

    /// <summary>Drops recent-task entries older than the history they point to.</summary>
    public Task TrimAsync(DateTimeOffset now) =>
        Db.SortedSetRemoveRangeByScoreAsync(keys.RecentTasks, double.NegativeInfinity, (now - Retention).ToUnixTimeMilliseconds());
}

/// <summary>What the worker learns when it counts an attempt.</summary>
public sealed record TaskAttempt(int Number, int InfrastructureRetries, DateTimeOffset? FirstAttemptAt, FailureCategory? LastFailure);
