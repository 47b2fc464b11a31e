using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What operators do to the queue: retry (in its lane or into another) or delete dead letters (one, several, a
/// category, all), pause and resume consumption, return stale in-flight tasks, and queue uploads into a lane. A retry
/// in a letter's own lane is the atomic RetryDead script, so the queue's guarantees hold under double clicks and
/// concurrent operators: a retried task is queued exactly once. A lane is a hash slot of its own, so a retry into
/// another lane is two steps under a claim on the letter: the task is queued there first (and, with replicas, the write
/// acknowledged by one), then the letter removed; a failure between them leaves the letter, never loses the task.
/// </summary>
public sealed class QueueAdministration(IConnectionMultiplexer redis, QueueLanes lanes, DeadLetterPages pages, ReplicaAcknowledgement replicas, TimeProvider clock)
{
    /// <summary>How long a retry into another lane holds its letter against a second one: far longer than the move takes.</summary>
    private static readonly TimeSpan RetryClaimTime = TimeSpan.FromSeconds(30);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Retries the letter <paramref name="taskId"/> in its own lane, or into <paramref name="intoLane"/>.</summary>
    public Task<bool> RetryDeadLetterAsync(string taskId, string operatorName, string? intoLane = null) =>
        RetryAsync(taskId, new TaskEvent { At = clock.GetUtcNow(), Kind = TaskEventKinds.RetriedByOperator, Worker = operatorName }, edited: "", taskId, intoLane);

    /// <summary>
    /// Replaces a dead letter's payload with <paramref name="payload"/> (a wrong key, a missing bucket fixed) and
    /// queues it (into <paramref name="intoLane"/> when given); the original stays in the task's timeline. The edit must
    /// be a valid task for <paramref name="buckets"/>, and keep the letter's task id unless the letter had none of its
    /// own (malformed, or derived from the very payload being edited).
    /// </summary>
    public async Task<EditOutcome> RetryEditedAsync(string taskId, string payload, string operatorName, ServedBuckets buckets, string? intoLane = null)
    {
        if (Encoding.UTF8.GetByteCount(payload) > UploadTaskParser.MaxPayloadBytes)
        {
            return EditOutcome.Invalid($"the task is over {UploadTaskParser.MaxPayloadBytes:N0} bytes");
        }
        if (!UploadTaskParser.TryParse(payload, buckets, out var task, out var error))
        {
            return EditOutcome.Invalid(error);
        }
        if (task.TaskId != taskId)
        {
            if (!UploadTaskParser.IsMalformed(taskId) && !UploadTaskParser.IsDerived(taskId) && !UploadTaskParser.IsConflict(taskId))
            {
                return EditOutcome.Invalid($"task_id must stay {taskId} (it is the idempotency key ingest stores the result under)");
            }
            if (await LaneOfTaskAsync(task.TaskId) is { } inUse)
            {
                // Queued, it would be another document under that task's id: a conflict the worker refuses anyway.
                return EditOutcome.Invalid($"task_id {task.TaskId} is already in use by another task (lane {inUse.Name}): give the edited task an id of its own");
            }
        }
        else if (await LaneOfLetterAsync(taskId) is { } lane)
        {
            await RenameDocumentAsync(lane, task);
        }
        var entry = new TaskEvent
        {
            At = clock.GetUtcNow(),
            Kind = TaskEventKinds.EditedByOperator,
            Worker = operatorName,
            Message = task.TaskId == taskId ? "payload edited and queued" : $"payload edited and queued as task {task.TaskId}",
        };
        return await RetryAsync(taskId, entry, payload, task.TaskId, intoLane) ? EditOutcome.Queued(task.TaskId) : EditOutcome.Gone;
    }

    /// <param name="taskId">The letter's id.</param>
    /// <param name="entry">The timeline event the retry adds.</param>
    /// <param name="edited">The edited payload (already validated), or "" to retry the letter's own.</param>
    /// <param name="queuedAs">The id the task is queued under: the letter's, or the valid edit's.</param>
    /// <param name="intoLane">Another lane to queue it in; null for its own.</param>
    private async Task<bool> RetryAsync(string taskId, TaskEvent entry, string edited, string queuedAs, string? intoLane)
    {
        if (await LaneOfLetterAsync(taskId) is not { } source)
        {
            return false;
        }
        var target = intoLane is null ? source : lanes.Find(intoLane) ?? throw new ArgumentException($"no lane {intoLane}", nameof(intoLane));
        return target == source && queuedAs == taskId
            ? await RetryInLaneAsync(source, taskId, entry, edited)
            : await RetryIntoLaneAsync(source, target, taskId, entry, edited, queuedAs);
    }

    private async Task<bool> RetryInLaneAsync(QueueLane lane, string taskId, TaskEvent entry, string edited)
    {
        var keys = lane.Keys;
        RedisKey[] scriptKeys = [keys.Dead, keys.Pending, keys.Task(taskId), keys.TaskEvents(taskId), keys.RecentTasks, keys.DeadIndex, keys.DeadSummaries, keys.DeadCounts];
        RedisValue[] args = [taskId, TaskJournal.Json(entry), Stamps.Milliseconds(entry.At), TaskJournal.MaxEvents, edited, 1];
        return (int)await Db.ScriptEvaluateAsync(QueueScripts.RetryDead, scriptKeys, args) == 1;
    }

    /// <summary>
    /// Queues the letter's payload (or the edit) in <paramref name="target"/> under <paramref name="queuedAs"/>, waits
    /// for a replica, then removes the letter from <paramref name="source"/>; the letter's own record then says where
    /// the task went. Also the way an edit queued under a new id goes in the letter's own lane: the new id's record is
    /// written with it, the letter's is not left pending.
    /// </summary>
    private async Task<bool> RetryIntoLaneAsync(QueueLane source, QueueLane target, string taskId, TaskEvent entry, string edited, string queuedAs)
    {
        // One operator moves a letter at a time (a double click, two operators): the other finds it claimed and does nothing.
        if (!await Db.StringSetAsync(source.Keys.RetryClaim(taskId), target.Name, RetryClaimTime, When.NotExists))
        {
            return false;
        }
        var stored = await Db.HashGetAsync(source.Keys.Dead, taskId);
        if (stored.IsNull)
        {
            return false;
        }
        var letter = JsonSerializer.Deserialize((string)stored!, TaskQueueJsonContext.Default.DeadLetter)!;
        if (edited.Length == 0 && letter.PayloadTruncated)
        {
            return false;
        }
        var payload = edited.Length > 0 ? edited : letter.Payload;
        var sameLane = target == source;
        if (!await EnqueueAsync(target, payload, RecordOf(queuedAs, payload, letter),
            entry with { Message = sameLane ? entry.Message : $"{entry.Message ?? "retried"} from lane {source.Name}", OriginalPayload = edited.Length > 0 ? letter.Payload : null }))
        {
            // Queued, but no replica has it yet: a failover now could lose it, so the letter stays (a task queued twice
            // is delivered once; one lost is not).
            return true;
        }
        // The letter goes only now that the task is queued (and a replica has it): in between, a failure leaves both.
        var keys = source.Keys;
        var moved = entry with { Message = sameLane ? $"queued as task {queuedAs}" : $"retried into lane {target.Name}" };
        RedisKey[] scriptKeys = [keys.Dead, keys.Pending, keys.Task(taskId), keys.TaskEvents(taskId), keys.RecentTasks, keys.DeadIndex, keys.DeadSummaries, keys.DeadCounts];
        RedisValue[] args = [taskId, TaskJournal.Json(moved), Stamps.Milliseconds(entry.At), TaskJournal.MaxEvents, "", 0];
        await Db.ScriptEvaluateAsync(QueueScripts.RetryDead, scriptKeys, args);
        return true;
    }

    /// <summary>Retries each of <paramref name="taskIds"/>; returns how many were still dead letters and are now queued.</summary>
    public async Task<int> RetryDeadLettersAsync(IEnumerable<string> taskIds, string operatorName, string? intoLane = null)
    {
        var retried = 0;
        foreach (var id in taskIds)
        {
            retried += await RetryDeadLetterAsync(id, operatorName, intoLane) ? 1 : 0;
        }
        return retried;
    }

    /// <summary>Retries every dead letter of <paramref name="category"/>, or all of them when it is null.</summary>
    public async Task<int> RetryCategoryAsync(string? category, string operatorName) =>
        await RetryDeadLettersAsync(await IdsAsync(category), operatorName);

    public async Task<bool> DeleteDeadLetterAsync(string taskId) =>
        await LaneOfLetterAsync(taskId) is { Keys: var keys }
        && (int)await Db.ScriptEvaluateAsync(DeadLetterIndexScripts.Remove, [keys.Dead, keys.DeadIndex, keys.DeadSummaries, keys.DeadCounts], [taskId]) == 1;

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

    /// <summary>
    /// Every lane's dead letters whole, payloads included, each with its lane: for tools and tests that need them all.
    /// The admin's pages read <see cref="DeadLetterPages"/>, a page at a time.
    /// </summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync()
    {
        var perLane = await Task.WhenAll(lanes.All.Select(async lane => (lane, await Db.HashValuesAsync(lane.Keys.Dead))));
        return [.. perLane.SelectMany(p => p.Item2.Select(e => JsonSerializer.Deserialize((string)e!, TaskQueueJsonContext.Default.DeadLetter)! with { Lane = p.lane.Name }))];
    }

    /// <summary>Pauses every lane, and tells idle workers at once (they would otherwise see it at their next heartbeat).</summary>
    public async Task PauseAsync(string operatorName)
    {
        var note = new PauseNote(operatorName, clock.GetUtcNow()).Format();
        foreach (var lane in lanes.All)
        {
            await Db.StringSetAsync(lane.Keys.Paused, note);
            await Db.PublishAsync(RedisChannel.Literal(lane.Keys.Control), PauseNote.PausedMessage);
        }
    }

    public async Task ResumeAsync()
    {
        foreach (var lane in lanes.All)
        {
            await Db.KeyDeleteAsync(lane.Keys.Paused);
            await Db.PublishAsync(RedisChannel.Literal(lane.Keys.Control), PauseNote.ResumedMessage);
        }
    }

    /// <summary>Returns the in-flight tasks of workers whose lease has expired, and of orphaned lists, to pending now, in every lane.</summary>
    public async Task<int> ReturnStaleAsync()
    {
        var returned = 0;
        foreach (var lane in lanes.All)
        {
            returned += await lane.Registry.ReapAsync(clock.GetUtcNow(), includeOrphans: true);
        }
        return returned;
    }

    /// <summary>
    /// Queues a valid task whose PDF is already in the bucket into <paramref name="lane"/> (the default lane when null),
    /// and records it so it is searchable at once. Returns once a replica has it, where there is one: true then, false
    /// when the replica did not confirm it in time (queued, but a failover could still lose it).
    /// </summary>
    public Task<bool> EnqueueAsync(ValidTask task, string queuedBy, string? lane = null)
    {
        if (task.IdDerived)
        {
            // A derived id is the hash of the producer's own payload: queued again as new JSON it would not be found.
            throw new ArgumentException("a task queued by an operator needs an id of its own", nameof(task));
        }
        var target = lane is null ? lanes.Default : lanes.Find(lane) ?? throw new ArgumentException($"no lane {lane}", nameof(lane));
        return EnqueueAsync(target, task.ToPayload(),
            new QueuedRecord(task.TaskId, task.FileName, task.Bucket, task.ObjectKey, task.SubmittedAt, task.Metadata),
            new TaskEvent { At = clock.GetUtcNow(), Kind = TaskEventKinds.Queued, Worker = queuedBy });
    }

    /// <summary>What the record of a task queued by an operator starts with, before a worker adds the rest.</summary>
    private sealed record QueuedRecord(string TaskId, string? FileName, string? Bucket, string? ObjectKey, DateTimeOffset? SubmittedAt,
        IReadOnlyDictionary<string, string>? Metadata);

    /// <summary>
    /// A letter's record as queued again under <paramref name="taskId"/>: what its payload says, when the payload is a
    /// task at all, else what the letter knows (a malformed payload is queued as it is, to fail again, but never crashes this).
    /// </summary>
    private static QueuedRecord RecordOf(string taskId, string payload, DeadLetter letter)
    {
        UploadTask? parsed = null;
        try
        {
            parsed = JsonSerializer.Deserialize(payload, TaskQueueJsonContext.Default.UploadTask);
        }
        catch (JsonException)
        {
            // Not JSON, or not a task: the letter's own fields below.
        }
        return new QueuedRecord(taskId, parsed?.FileName ?? letter.FileName, parsed?.Bucket, parsed?.ObjectKey ?? letter.ObjectKey,
            parsed?.SubmittedAt ?? letter.SubmittedAt, parsed?.Metadata);
    }

    /// <summary>Queues <paramref name="payload"/> into <paramref name="lane"/> with its record; true once safe from a failover (a replica has it, or there is none).</summary>
    private async Task<bool> EnqueueAsync(QueueLane lane, string payload, QueuedRecord task, TaskEvent entry)
    {
        var keys = lane.Keys;
        var now = entry.At;
        var taskId = task.TaskId;
        var tx = Db.CreateTransaction();
        _ = tx.ListLeftPushAsync(keys.Pending, payload);
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
        if (task.Metadata is not { Count: > 0 })
        {
            // The lane may hold a record of this id from an earlier life: what it names now has no metadata.
            _ = tx.HashDeleteAsync(keys.Task(taskId), TaskRecordFields.Metadata);
        }
        _ = tx.HashSetAsync(keys.Task(taskId), [.. fields]);
        foreach (var indexEntry in SearchEntries.For(taskId, task.FileName, task.Metadata))
        {
            _ = tx.SortedSetAddAsync(keys.TaskIndex, indexEntry, 0, When.NotExists);
        }
        _ = tx.ListRightPushAsync(keys.TaskEvents(taskId), TaskJournal.Json(entry));
        _ = tx.SortedSetAddAsync(keys.RecentTasks, taskId, Stamps.Milliseconds(now));
        await tx.ExecuteAsync();
        return (await replicas.ConfirmAsync(keys.Pending)).Safe;
    }

    /// <summary>
    /// An edit under the letter's own id changes the document the id names: its record and search entries say so
    /// before the task is queued, so the worker finds the same task again, not a conflict.
    /// </summary>
    private async Task RenameDocumentAsync(QueueLane lane, ValidTask edited)
    {
        var keys = lane.Keys;
        var record = keys.Task(edited.TaskId);
        var old = await Db.HashGetAsync(record, [TaskRecordFields.FileName, TaskRecordFields.Metadata]);
        var oldMetadata = old[1].IsNullOrEmpty ? null : JsonSerializer.Deserialize((string)old[1]!, TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString);
        var tx = Db.CreateTransaction();
        foreach (var entry in SearchEntries.For(edited.TaskId, old[0], oldMetadata))
        {
            _ = tx.SortedSetRemoveAsync(keys.TaskIndex, entry);
        }
        _ = tx.HashSetAsync(record, [
            new(TaskRecordFields.FileName, edited.FileName), new(TaskRecordFields.Bucket, edited.Bucket), new(TaskRecordFields.ObjectKey, edited.ObjectKey)]);
        _ = edited.Metadata.Count == 0
            ? tx.HashDeleteAsync(record, TaskRecordFields.Metadata)
            : tx.HashSetAsync(record, TaskRecordFields.Metadata, JsonSerializer.Serialize(edited.Metadata, TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString));
        foreach (var entry in SearchEntries.For(edited.TaskId, edited.FileName, edited.Metadata))
        {
            _ = tx.SortedSetAddAsync(keys.TaskIndex, entry, 0, When.NotExists);
        }
        await tx.ExecuteAsync();
    }

    /// <summary>The lane in which <paramref name="taskId"/> has a record, if any.</summary>
    private async Task<QueueLane?> LaneOfTaskAsync(string taskId)
    {
        var found = await Task.WhenAll(lanes.All.Select(async lane => (lane, await Db.KeyExistsAsync(lane.Keys.Task(taskId)))));
        return found.FirstOrDefault(f => f.Item2).lane;
    }

    private async Task<QueueLane?> LaneOfLetterAsync(string taskId)
    {
        var found = await Task.WhenAll(lanes.All.Select(async lane => (lane, await Db.HashExistsAsync(lane.Keys.Dead, taskId))));
        return found.FirstOrDefault(f => f.Item2).lane;
    }

    private Task<IReadOnlyList<string>> IdsAsync(string? category) => pages.IdsAsync(new DeadLetterQuery(category));
}

/// <summary>What an edit-and-retry did: queued (as which task), refused (why), or nothing because the letter had gone.</summary>
public sealed record EditOutcome(bool IsQueued, string? QueuedAs, string? Error)
{
    public static EditOutcome Queued(string taskId) => new(true, taskId, null);

    public static EditOutcome Invalid(string error) => new(false, null, error);

    public static EditOutcome Gone { get; } = new(false, null, "the dead letter is no longer there (retried or deleted meanwhile)");
}
