using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Queue;

/// <summary>The queue and its workers at one moment; <see cref="Error"/> is set when Redis could not be read.</summary>
public sealed record QueueSnapshot(QueueCounts Counts, IReadOnlyList<WorkerStatus> Workers, DateTimeOffset ReadAt, string? Error = null)
{
    public static QueueSnapshot NotYetRead { get; } = new(new QueueCounts(0, 0, 0, 0, null), [], DateTimeOffset.MinValue, "not read yet");

    public bool IsKnown => ReadAt != DateTimeOffset.MinValue;

    public bool IsAvailable => Error is null;
}
