using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What operators do to the queue: retry or delete dead letters (one, several, a category, all), pause and resume
/// consumption, return stale in-flight tasks, and queue uploads. Every retry is the atomic RetryDead script, so the
/// queue's guarantees hold under double clicks and concurrent operators: a retried task is queued exactly once.
/// </summary>
public sealed class QueueAdministration(IConnectionMultiplexer redis, QueueKeys keys, WorkerRegistry workers, TimeProvider clock)
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<bool> RetryDeadLetterAsync(string taskId, string operatorName)
    {
        var now = clock.GetUtcNow();
        var entry = JsonSerializer.Serialize(new TaskEvent { At = now, Kind = TaskEventKinds.RetriedByOperator, Worker = operatorName },
            TaskQueueJsonContext.Default.TaskEvent);
        RedisKey[] scriptKeys = [keys.Dead, keys.Pending, keys.Task(taskId), keys.TaskEvents(taskId), keys.RecentTasks];
        RedisValue[] args =
        [
            taskId, entry, now.ToUnixTimeMilliseconds(), (long)TaskHistory.Retention.TotalSeconds, TaskJournal.MaxEvents,
            TaskRecordFields.Status, TaskStatuses.Pending, TaskRecordFields.Attempts, TaskRecordFields.InfrastructureRetries,
            DeadLetter.PayloadField, DeadLetter.PayloadTruncatedField,
        ];
        return (int)await Db.ScriptEvaluateAsync(QueueScripts.RetryDead, scriptKeys, args) == 1;
    }

    /// <summary>Retries each of <paramref name="taskIds"/>; returns how many were still dead letters and are now queued.</summary>
    public async Task<int> RetryDeadLettersAsync(IEnumerable<string> taskIds, string operatorName)
    {
        var retried = 0;
        foreach (var id in taskIds)
        {
            retried += await RetryDeadLetterAsync(id, operatorName) ? 1 : 0;
        }
        return retried;
    }

    /// <summary>Retries every dead letter of <paramref name="category"/>, or all of them when it is null.</summary>
    public async Task<int> RetryCategoryAsync(string? category, string operatorName) =>
        await RetryDeadLettersAsync(await IdsAsync(category), operatorName);

    public async Task<bool> DeleteDeadLetterAsync(string taskId) => await Db.HashDeleteAsync(keys.Dead, taskId);

    /// <summary>Deletes every dead letter of <paramref name="category"/>, or all of them when it is null.</summary>
    public async Task<long> PurgeAsync(string? category)
    {
        var ids = await IdsAsync(category);
        return ids.Count == 0 ? 0 : await Db.HashDeleteAsync(keys.Dead, [.. ids.Select(id => (RedisValue)id)]);
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync()
    {
        var entries = await Db.HashValuesAsync(keys.Dead);
        return [.. entries.Select(e => JsonSerializer.Deserialize((string)e!, TaskQueueJsonContext.Default.DeadLetter)!)];
    }

    public Task PauseAsync(string operatorName) =>
        Db.StringSetAsync(keys.Paused, $"{operatorName} at {Stamps.Format(clock.GetUtcNow())}");

    public Task ResumeAsync() => Db.KeyDeleteAsync(keys.Paused);

    /// <summary>Returns the in-flight tasks of workers whose lease has expired, and of orphaned lists, to pending now.</summary>
    public Task<int> ReturnStaleAsync() => workers.ReapAsync(clock.GetUtcNow(), includeOrphans: true);

    /// <summary>Queues a task whose PDF is already in the bucket, and records it so it is searchable at once.</summary>
    public async Task EnqueueAsync(UploadTask task, string queuedBy)
    {
        var now = clock.GetUtcNow();
        var tx = Db.CreateTransaction();
        _ = tx.ListLeftPushAsync(keys.Pending, JsonSerializer.Serialize(task, TaskQueueJsonContext.Default.UploadTask));
        _ = tx.HashSetAsync(keys.Task(task.TaskId!),
        [
            new(TaskRecordFields.TaskId, task.TaskId),
            new(TaskRecordFields.FileName, task.FileName ?? ""),
            new(TaskRecordFields.Bucket, task.Bucket ?? ""),
            new(TaskRecordFields.ObjectKey, task.ObjectKey ?? ""),
            new(TaskRecordFields.SubmittedAt, Stamps.Format(task.SubmittedAt ?? now)),
            new(TaskRecordFields.Status, TaskStatuses.Pending),
        ]);
        _ = tx.KeyExpireAsync(keys.Task(task.TaskId!), TaskHistory.Retention);
        TaskJournal.Index(tx, keys, task.TaskId!, task.FileName);
        TaskJournal.AddEvent(tx, keys, task.TaskId!, new TaskEvent { At = now, Kind = TaskEventKinds.Queued, Worker = queuedBy });
        await tx.ExecuteAsync();
    }

    private async Task<IReadOnlyList<string>> IdsAsync(string? category) =>
        [.. (await DeadLettersAsync()).Where(d => category is null || d.Category == category).Select(d => d.TaskId)];
}
