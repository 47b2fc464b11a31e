namespace PdfAspire.TaskQueue;

/// <summary>
/// A task that passed every rule of <see cref="UploadTaskParser"/>: it has an id (the producer's or one derived from
/// the payload), a bucket this deployment serves, an object key and a file name, each safe to become a key or a
/// location. Past parsing, nothing needs to check them again.
/// </summary>
public sealed record ValidTask(
    string TaskId,
    string Bucket,
    string ObjectKey,
    string FileName,
    DateTimeOffset? SubmittedAt,
    string? Traceparent,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The producer sent no id; <see cref="TaskId"/> was derived from the payload.</summary>
    public bool IdDerived => UploadTaskParser.IsDerived(TaskId);

    /// <summary>The task as JSON, as a producer would push it.</summary>
    public string ToPayload() => System.Text.Json.JsonSerializer.Serialize(new UploadTask
    {
        TaskId = TaskId,
        Bucket = Bucket,
        ObjectKey = ObjectKey,
        FileName = FileName,
        SubmittedAt = SubmittedAt,
        Traceparent = Traceparent,
        Metadata = Metadata.Count > 0 ? Metadata : null,
    }, TaskQueueJsonContext.Default.UploadTask);
}
