namespace PdfAspire.TaskQueue;

/// <summary>
/// The fields of a task's history hash (<see cref="QueueKeys.Task"/>), shared by the worker and the admin. Times are
/// Unix milliseconds (<see cref="Stamps"/>). Every value the worker writes stays within Redis's compact hash encoding
/// (64 bytes by default: a longer error message is clipped, and the timeline keeps it whole), which takes a third of the
/// memory and CPU of the full one; the task id is the key's own, never a field.
/// </summary>
public static class TaskRecordFields
{
    public const string FileName = "file_name";
    public const string Bucket = "bucket";
    public const string ObjectKey = "object_key";
    public const string SubmittedAt = "submitted_at";

    /// <summary>Document attempts, counted before parsing starts; infrastructure retries give theirs back.</summary>
    public const string Attempts = "attempts";
    public const string InfrastructureRetries = "infrastructure_retries";
    public const string Status = "status";
    public const string Worker = "worker";
    /// <summary>When the first attempt began; absent until a second begins (until then it is <see cref="LastStartedAt"/>).</summary>
    public const string FirstAttemptAt = "first_attempt_at";
    public const string LastStartedAt = "last_started_at";
    public const string LastErrorCategory = "last_error_category";
    public const string LastError = "last_error";
    public const string NextAttemptAt = "next_attempt_at";
    public const string CompletedAt = "completed_at";

    // The delivered result's summary (a TaskResult), one field each: every value stays short. Zero counts are left
    // out, and the pages read from the text layer are the pages not counted in any other way.
    public const string PageCount = "pages";
    public const string OcrPages = "ocr_pages";
    public const string EmptyPages = "empty_pages";
    public const string FailedPages = "failed_pages";
    public const string OcrConfidence = "ocr_confidence";
    public const string DownloadMs = "download_ms";
    public const string ExtractionMs = "extraction_ms";
    public const string DeliveryMs = "delivery_ms";
    public const string DurationMs = "duration_ms";
    public const string SizeBytes = "size_bytes";

    /// <summary>Where the result's details are in <see cref="QueueKeys.ResultDetails"/> while they are kept.</summary>
    public const string DetailsSlot = "details_slot";

    /// <summary>"1" once the task has a timeline list (<see cref="QueueKeys.TaskEvents"/>); absent while its life is one start and one outcome.</summary>
    public const string Timeline = "timeline";

    /// <summary>The producer's metadata, as JSON (searchable through the task index); absent when there is none.</summary>
    public const string Metadata = "metadata";
}

/// <summary>Values of <see cref="TaskRecordFields.Status"/>.</summary>
public static class TaskStatuses
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Retrying = "retrying";
    public const string Done = "done";
    public const string Dead = "dead";

    /// <summary>Retried into another lane by an operator: its history goes on there.</summary>
    public const string Moved = "moved";

    /// <summary>A task in one of these may be worked on again: its history is never trimmed (its attempts guard against poison documents).</summary>
    public static bool IsActive(string? status) => status is Pending or Processing or Retrying;
}
