using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace PdfAspire.TaskQueue;

/// <summary>
/// One task a worker has taken: it sits in that worker's processing list until one of the outcomes here moves it
/// on — acknowledged, scheduled for a retry, or a dead letter. Each outcome finds the entry by the exact bytes that
/// were taken, so a producer's formatting never matters. <see cref="Validate"/> parses the payload once; the outcomes
/// that need the task's id use what it found.
/// </summary>
public sealed class FetchedTask
{
    private readonly QueueMoves _moves;
    private readonly TaskHistory _history;
    private readonly byte[] _bytes;
    private string? _payload;

    internal FetchedTask(QueueMoves moves, TaskHistory history, string workerId, byte[] bytes)
    {
        _moves = moves;
        _history = history;
        _bytes = bytes;
        WorkerId = workerId;
    }

    public string WorkerId { get; }

    /// <summary>The lane it was taken from: the pending list's name.</summary>
    public string Lane => _moves.Keys.Pending;

    public int Length => _bytes.Length;

    /// <summary>Over <see cref="UploadTaskParser.MaxPayloadBytes"/>: refused by its size alone, never decoded.</summary>
    public bool IsOversized => _bytes.Length > UploadTaskParser.MaxPayloadBytes;

    /// <summary>The payload as text, exactly as taken. Not for an oversized payload, of which no copy is made.</summary>
    public string Payload => IsOversized
        ? throw new InvalidOperationException("an oversized payload is never decoded")
        : _payload ??= Encoding.UTF8.GetString(_bytes);

    /// <summary>The task, once <see cref="Validate"/> has accepted it.</summary>
    public ValidTask? Task { get; private set; }

    /// <summary>Parses and checks the payload (<see cref="UploadTaskParser.TryParse"/>); false with the reason when it is not a valid task.</summary>
    [MemberNotNullWhen(true, nameof(Task))]
    public bool Validate(ServedBuckets buckets, out string error)
    {
        if (UploadTaskParser.TryParse(Payload, buckets, out var task, out error))
        {
            Task = task;
            return true;
        }
        return false;
    }

    /// <summary>The id of the dead letter a payload that is not a valid task becomes: one letter per distinct payload.</summary>
    public string MalformedId => UploadTaskParser.MalformedId(_bytes);

    /// <summary>The id of the dead letter a task whose id names another document becomes.</summary>
    public string ConflictId => UploadTaskParser.ConflictId(_bytes);

    /// <summary>The first <paramref name="bytes"/> of the payload, for the dead letter of an oversized one.</summary>
    public string Prefix(int bytes) => Encoding.UTF8.GetString(_bytes, 0, Math.Min(bytes, _bytes.Length));

    /// <summary>The attempt <see cref="BeginAttemptAsync"/> counted; null before.</summary>
    public TaskAttempt? Attempt { get; private set; }

    public async Task<TaskAttempt> BeginAttemptAsync(DateTimeOffset now)
    {
        var attempt = await _history.BeginAttemptAsync(Valid, WorkerId, now);
        // A task whose id names another document began nothing: its letter's timeline starts with the letter.
        Attempt = attempt.ConflictsWith is null ? attempt : null;
        return attempt;
    }

    public Task RefundAttemptAsync() => _history.RefundAttemptAsync(Valid.TaskId);

    // Each outcome may take the next pending task into the same processing list in the same step (takeNext) and
    // return it, so a busy worker needs no round trip of its own to take its next task.

    public Task<FetchedTask?> AcknowledgeAsync(TaskResult result, DateTimeOffset now, bool takeNext = false) =>
        _moves.AcknowledgeAsync(WorkerId, Payload, Begun, Valid.TaskId, result, now, takeNext);

    public Task<FetchedTask?> ScheduleRetryAsync(FailureCategory category, string message, DateTimeOffset dueAt, DateTimeOffset now, bool takeNext = false) =>
        _moves.ScheduleRetryAsync(WorkerId, Payload, Begun, Valid.TaskId, category, message, dueAt, now, takeNext);

    /// <summary>
    /// Moves the task to the dead letters. An oversized payload is removed by its length and digest inside Redis, so
    /// it never travels back; <paramref name="letter"/> then keeps only its beginning.
    /// </summary>
    public Task<FetchedTask?> DeadLetterAsync(DeadLetter letter, bool takeNext = false) => IsOversized
        ? _moves.DeadLetterAsync(WorkerId, "", letter, Attempt, takeNext, (_bytes.Length, RedisDigest(_bytes)))
        : _moves.DeadLetterAsync(WorkerId, Payload, letter, Attempt, takeNext);

    private ValidTask Valid => Task ?? throw new InvalidOperationException("the task has not been validated");

    private TaskAttempt Begun => Attempt ?? throw new InvalidOperationException("no attempt has begun");

    /// <summary>The digest Redis's Lua computes (redis.sha1hex): it identifies the entry, it protects nothing.</summary>
    [SuppressMessage("Security", "CA5350", Justification = "Matches redis.sha1hex; not a security use.")]
    private static string RedisDigest(byte[] payload) => Convert.ToHexStringLower(SHA1.HashData(payload));
}
