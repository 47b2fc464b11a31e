using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Processing;

/// <summary>
/// A task failed for a reason its category names. The message is for operators: it names the document's problem,
/// never a credential or an internal address.
/// </summary>
public sealed class TaskFailedException(FailureCategory category, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public FailureCategory Category { get; } = category;
}
