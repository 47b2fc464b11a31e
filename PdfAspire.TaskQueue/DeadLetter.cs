namespace PdfAspire.TaskQueue;

/// <summary>
/// A task that will not be retried without an operator, as stored in <see cref="QueueKeys.Dead"/>. The raw payload is
/// kept verbatim, so a retry re-queues exactly what the producer sent (a malformed one included, once fixed).
/// </summary>
public sealed record DeadLetter
{
    /// <summary>The JSON names the RetryDead script reads.</summary>
    public const string PayloadField = "payload";

    public const string PayloadTruncatedField = "payload_truncated";

    public required string TaskId { get; init; }
    public required string Payload { get; init; }

    /// <summary>Set when the task was over the size limit: <see cref="Payload"/> is its beginning, this many bytes in all.</summary>
    public long? PayloadBytes { get; init; }

    public bool PayloadTruncated => PayloadBytes is not null;
    public required string Category { get; init; }
    public required string Message { get; init; }
    public int Attempts { get; init; }
    public string? FileName { get; init; }
    public string? ObjectKey { get; init; }
    public string? WorkerId { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public DateTimeOffset? FirstAttemptAt { get; init; }
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>The lane (pending list) the letter is in: where it was read from, not stored with it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Lane { get; init; } = "";
}
