namespace PdfAspire.TaskQueue;

/// <summary>
/// One task as producers push it onto the queue (snake_case JSON; unknown fields are ignored).
/// <see cref="TaskId"/> is the idempotency key all the way to ingest.
/// </summary>
public sealed record UploadTask
{
    public string? TaskId { get; init; }
    public string? Bucket { get; init; }
    public string? ObjectKey { get; init; }
    public string? FileName { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>W3C trace context of the producer, so the trace continues through the queue.</summary>
    public string? Traceparent { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
