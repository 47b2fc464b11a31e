namespace PdfAspire.TaskQueue;

/// <summary>Why a task failed. The wire names (snake_case) appear in dead letters, metrics labels and docs/queue.md.</summary>
public enum FailureCategory
{
    MalformedTask,
    ObjectNotFound,
    Encrypted,
    NotPdf,
    Corrupt,
    TooLarge,
    Timeout,
    ParserCrash,
    IngestUnavailable,
    IngestRejected,
    StorageUnavailable,

    /// <summary>Every page is a scanned image and OCR (off, or unable) gave no text: nothing to deliver.</summary>
    NoText,

    /// <summary>The task id already names another document (bucket, object key or metadata differ): never rewritten.</summary>
    TaskIdConflict,
}

/// <summary>What a failure means for the task's future.</summary>
public enum RetryKind
{
    /// <summary>The document or task itself is bad: dead letter at once.</summary>
    Never,

    /// <summary>Might pass next time (a slow parse, a parser fault): retried with backoff, using up attempts.</summary>
    UsesAttempts,

    /// <summary>Not the document's fault (ingest or storage down): retried with backoff without using attempts.</summary>
    Infrastructure,
}

public static class FailureCategories
{
    public static string WireName(this FailureCategory category) => category switch
    {
        FailureCategory.MalformedTask => "malformed_task",
        FailureCategory.ObjectNotFound => "object_not_found",
        FailureCategory.Encrypted => "encrypted",
        FailureCategory.NotPdf => "not_pdf",
        FailureCategory.Corrupt => "corrupt",
        FailureCategory.TooLarge => "too_large",
        FailureCategory.Timeout => "timeout",
        FailureCategory.ParserCrash => "parser_crash",
        FailureCategory.IngestUnavailable => "ingest_unavailable",
        FailureCategory.IngestRejected => "ingest_rejected",
        FailureCategory.StorageUnavailable => "storage_unavailable",
        FailureCategory.NoText => "no_text",
        FailureCategory.TaskIdConflict => "task_id_conflict",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    public static IReadOnlyList<FailureCategory> All { get; } = Enum.GetValues<FailureCategory>();

    public static FailureCategory? FromWireName(string? name) =>
        All.Cast<FailureCategory?>().FirstOrDefault(c => c!.Value.WireName() == name);

    public static RetryKind Retry(this FailureCategory category) => category switch
    {
        FailureCategory.Timeout or FailureCategory.ParserCrash => RetryKind.UsesAttempts,
        FailureCategory.IngestUnavailable or FailureCategory.StorageUnavailable => RetryKind.Infrastructure,
        _ => RetryKind.Never,
    };
}
