using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Queue;

/// <summary>
/// The queue, its workers and what it costs Redis at one moment; <see cref="Error"/> is set when Redis could not be read.
/// </summary>
public sealed record QueueSnapshot(QueueCounts Counts, IReadOnlyList<WorkerStatus> Workers, DateTimeOffset ReadAt, RedisUsage? Usage = null,
    string? Error = null)
{
    public static QueueSnapshot NotYetRead { get; } = new(new QueueCounts(0, 0, 0, 0, null), [], DateTimeOffset.MinValue, Error: "not read yet");

    public bool IsKnown => ReadAt != DateTimeOffset.MinValue;

    public bool IsAvailable => Error is null;
}
