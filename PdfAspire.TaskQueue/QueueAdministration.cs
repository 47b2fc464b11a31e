using System.Text;
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

    public Task<bool> RetryDeadLetterAsync(string taskId, string operatorName) =>
        RetryAsync(taskId, new TaskEvent { At = clock.GetUtcNow(), Kind = TaskEventKinds.RetriedByOperator, Worker = operatorName }, edited: "");

    /// <summary>
    /// Replaces a dead letter's payload with <paramref name="payload"/> (a wrong key, a missing bucket fixed) and
    /// queues it, atomically; the original stays in the task's timeline. The edit must be a valid task for
    /// <paramref name="buckets"/>, and keep the letter's task id unless the letter had none of its own (malformed, or
    /// derived from the very payload being edited).
    /// </summary>
    public async Task<EditOutcome> RetryEditedAsync(string taskId, string payload, string operatorName, ServedBuckets buckets)
    {
        if (Encoding.UTF8.GetByteCount(payload) > UploadTaskParser.MaxPayloadBytes)
        {
            return EditOutcome.Invalid($"the task is over {UploadTaskParser.MaxPayloadBytes:N0} bytes");
        }
        if (!UploadTaskParser.TryParse(payload, buckets, out var task, out var error))
        {
            return EditOutcome.Invalid(error);
        }
        if (task.TaskId != taskId && !UploadTaskParser.IsMalformed(taskId) && !UploadTaskParser.IsDerived(taskId))
        {
            return EditOutcome.Invalid($"task_id must stay {taskId} (it is the idempotency key ingest stores the result under)");
        }
        var entry = new TaskEvent
        {
            At = clock.GetUtcNow(),
            Kind = TaskEventKinds.EditedByOperator,
            Worker = operatorName,
            Message = task.TaskId == taskId ? "payload edited and queued" : $"payload edited and queued as task {task.TaskId}",
        };
        return await RetryAsync(taskId, entry, payload) ? EditOutcome.Queued(task.TaskId) : EditOutcome.Gone;
    }

    private async Task<bool> RetryAsync(string taskId, TaskEvent entry, string edited)
    {
        RedisKey[] scriptKeys = [keys.Dead, keys.Pending, keys.Task(taskId), keys.TaskEvents(taskId), keys.RecentTasks];
        RedisValue[] args = [taskId, TaskJournal.Json(entry), Stamps.Milliseconds(entry.At), TaskJournal.MaxEvents, edited];
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

    /// <summary>Deletes each of <paramref name="taskIds"/> (one HDEL each); returns how many were still there.</summary>
    public async Task<int> DeleteDeadLettersAsync(IEnumerable<string> taskIds)
    {
        var deleted = 0;
        foreach (var id in taskIds)
        {
            deleted += await DeleteDeadLetterAsync(id) ? 1 : 0;
        }
        return deleted;
    }

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

    /// <summary>Pauses every worker, and tells idle ones at once (they would otherwise see it at their next heartbeat).</summary>
    public async Task PauseAsync(string operatorName)
    {
        await Db.StringSetAsync(keys.Paused, new PauseNote(operatorName, clock.GetUtcNow()).Format());
        await Db.PublishAsync(RedisChannel.Literal(keys.Control), PauseNote.PausedMessage);
    }

    public async Task ResumeAsync()
    {
        await Db.KeyDeleteAsync(keys.Paused);
        await Db.PublishAsync(RedisChannel.Literal(keys.Control), PauseNote.ResumedMessage);
    }

    /// <summary>Returns the in-flight tasks of workers whose lease has expired, and of orphaned lists, to pending now.</summary>
    public Task<int> ReturnStaleAsync() => workers.ReapAsync(clock.GetUtcNow(), includeOrphans: true);

    /// <summary>Queues a task whose PDF is already in the bucket, and records it so it is searchable at once.</summary>
    public async Task EnqueueAsync(UploadTask task, string queuedBy)
    {
        var now = clock.GetUtcNow();
        var taskId = task.TaskId!;
        var record = keys.Task(taskId);
        var tx = Db.CreateTransaction();
        _ = tx.ListLeftPushAsync(keys.Pending, JsonSerializer.Serialize(task, TaskQueueJsonContext.Default.UploadTask));
        List<HashEntry> fields =
        [
            new(TaskRecordFields.FileName, task.FileName ?? ""),
            new(TaskRecordFields.Bucket, task.Bucket ?? ""),
            new(TaskRecordFields.ObjectKey, task.ObjectKey ?? ""),
            new(TaskRecordFields.SubmittedAt, Stamps.Milliseconds(task.SubmittedAt ?? now)),
            new(TaskRecordFields.Status, TaskStatuses.Pending),
            new(TaskRecordFields.Timeline, 1),
        ];
        if (task.Metadata is { Count: > 0 } metadata)
        {
            fields.Add(new(TaskRecordFields.Metadata, JsonSerializer.Serialize(metadata, TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString)));
        }
        _ = tx.HashSetAsync(record, [.. fields]);
        foreach (var entry in SearchEntries.For(taskId, task.FileName, task.Metadata))
        {
            _ = tx.SortedSetAddAsync(keys.TaskIndex, entry, 0, When.NotExists);
        }
        _ = tx.ListRightPushAsync(keys.TaskEvents(taskId), TaskJournal.Json(new TaskEvent { At = now, Kind = TaskEventKinds.Queued, Worker = queuedBy }));
        _ = tx.SortedSetAddAsync(keys.RecentTasks, taskId, Stamps.Milliseconds(now));
        await tx.ExecuteAsync();
    }

    private async Task<IReadOnlyList<string>> IdsAsync(string? category) =>
        [.. (await DeadLettersAsync()).Where(d => category is null || d.Category == category).Select(d => d.TaskId)];
}

/// <summary>What an edit-and-retry did: queued (as which task), refused (why), or nothing because the letter had gone.</summary>
public sealed record EditOutcome(bool IsQueued, string? QueuedAs, string? Error)
{
    public static EditOutcome Queued(string taskId) => new(true, taskId, null);

    public static EditOutcome Invalid(string error) => new(false, null, error);

    public static EditOutcome Gone { get; } = new(false, null, "the dead letter is no longer there (retried or deleted meanwhile)");
}
