namespace PdfAspire.Admin.Queue;

/// <summary>The queue's counts at one moment; <see cref="Error"/> is set when Redis could not be read.</summary>
public sealed record QueueSnapshot(long Pending, long Delayed, long Dead, DateTimeOffset ReadAt, string? Error = null)
{
    public static QueueSnapshot NotYetRead { get; } = new(0, 0, 0, DateTimeOffset.MinValue, "not read yet");

    public bool IsAvailable => Error is null;
}
