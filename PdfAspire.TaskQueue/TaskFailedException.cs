namespace PdfAspire.TaskQueue;

/// <summary>
/// A task failed for a reason its category names. The message is for operators: it names the document's problem,
/// never a credential or an internal address. It lives beside <see cref="FailureCategory"/>, below the storage,
/// extraction and ingest code that throw it and the processing that handles it.
/// </summary>
public sealed class TaskFailedException(FailureCategory category, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public FailureCategory Category { get; } = category;
}
