namespace PdfAspire.TaskQueue;

/// <summary>The fields of a task's history hash (<see cref="QueueKeys.Task"/>), shared by the worker and the admin.</summary>
public static class TaskRecordFields
{
    public const string TaskId = "task_id";
    public const string FileName = "file_name";
    public const string Bucket = "bucket";
    public const string ObjectKey = "object_key";
    public const string SubmittedAt = "submitted_at";
    public const string IdDerived = "id_derived";

    /// <summary>Document attempts, counted before parsing starts; infrastructure retries give theirs back.</summary>
    public const string Attempts = "attempts";
    public const string InfrastructureRetries = "infrastructure_retries";
    public const string Status = "status";
    public const string Worker = "worker";
    public const string FirstAttemptAt = "first_attempt_at";
    public const string LastStartedAt = "last_started_at";
    public const string LastErrorCategory = "last_error_category";
    public const string LastError = "last_error";
    public const string NextAttemptAt = "next_attempt_at";
    public const string CompletedAt = "completed_at";
    public const string PageCount = "page_count";
    public const string FailedPages = "failed_pages";
    public const string DurationMs = "duration_ms";

    /// <summary>The delivered result's summary, a <see cref="TaskResult"/> as JSON.</summary>
    public const string Result = "result";

    /// <summary>The producer's metadata, as JSON (searchable through the task index).</summary>
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
}
