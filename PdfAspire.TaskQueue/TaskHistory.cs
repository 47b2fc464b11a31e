using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// A task's history record (<see cref="QueueKeys.Task"/>) outside the queue's moves: counting an attempt before the
/// document is touched, and giving one back. What the moves record goes into their own script (<see cref="HistoryScripts"/>).
/// </summary>
public sealed class TaskHistory(IConnectionMultiplexer redis, QueueKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Counts the attempt before any parsing, so a document that kills the process cannot loop forever.</summary>
    public async Task<TaskAttempt> BeginAttemptAsync(ValidTask task, string workerId, DateTimeOffset now)
    {
        RedisKey[] scriptKeys = [keys.Task(task.TaskId), keys.TaskIndex, keys.TaskEvents(task.TaskId)];
        RedisValue[] args =
        [
            Stamps.Milliseconds(now), workerId, task.FileName, task.Bucket, task.ObjectKey,
            task.SubmittedAt is { } submitted ? Stamps.Milliseconds(submitted) : "",
            task.Metadata.Count == 0 ? "" : JsonSerializer.Serialize(task.Metadata, TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString),
            TaskJournal.Started(now, workerId),
            .. SearchEntries.For(task.TaskId, task.FileName, task.Metadata).Select(e => (RedisValue)e),
        ];
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(HistoryScripts.BeginAttempt, scriptKeys, args))!;
        if ((int)reply[0] == 0)
        {
            return TaskAttempt.Conflicting(new RecordedDocument((string)reply[1]!, (string)reply[2]!, (string)reply[3]!), now, workerId);
        }
        return new TaskAttempt((int)reply[0], int.Parse((string)reply[3]!, CultureInfo.InvariantCulture), Stamps.Parse((string?)reply[1]),
            FailureCategories.FromWireName((string?)reply[2]), (int)reply[4] == 1, now, workerId);
    }

    /// <summary>Gives back an attempt that was not the document's fault (ingest down, the worker shutting down).</summary>
    public Task RefundAttemptAsync(string taskId) => Db.HashDecrementAsync(keys.Task(taskId), TaskRecordFields.Attempts);
}

/// <summary>
/// What the worker learns when it counts an attempt (and whether the task has a timeline its outcome adds to), and
/// when and where the attempt began.
/// </summary>
public sealed record TaskAttempt(int Number, int InfrastructureRetries, DateTimeOffset? FirstAttemptAt, FailureCategory? LastFailure,
    bool HasTimeline, DateTimeOffset StartedAt, string WorkerId)
{
    /// <summary>
    /// Set when the task's id already names another document: no attempt was counted and nothing was written; the
    /// task becomes a <see cref="FailureCategory.TaskIdConflict"/> letter of its own.
    /// </summary>
    public RecordedDocument? ConflictsWith { get; private init; }

    internal static TaskAttempt Conflicting(RecordedDocument recorded, DateTimeOffset now, string workerId) =>
        new(0, 0, null, null, false, now, workerId) { ConflictsWith = recorded };

    /// <summary>The attempt's "started" event, with which a timeline begins when this attempt is its first eventful one.</summary>
    public string StartedEvent => TaskJournal.Started(StartedAt, WorkerId);
}

/// <summary>The document a task id's record names: what a second task with the same id must match to be the same task.</summary>
public sealed record RecordedDocument(string Bucket, string ObjectKey, string MetadataJson)
{
    /// <summary>The two sides of a conflict, for the dead letter's message.</summary>
    public string ConflictMessage(ValidTask task) =>
        $"task_id {task.TaskId} is already in use by another document ({Describe(Bucket, ObjectKey, MetadataJson)}); this task names "
        + $"{Describe(task.Bucket, task.ObjectKey, task.Metadata.Count == 0 ? "" : System.Text.Json.JsonSerializer.Serialize(task.Metadata, TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString))}. "
        + "A task id names one document: queue this one under an id of its own.";

    private static string Describe(string bucket, string objectKey, string metadata) =>
        $"{bucket}/{objectKey}" + (metadata.Length == 0 ? ", no metadata" : $", metadata {(metadata.Length > 200 ? metadata[..200] + "…" : metadata)}");
}
