namespace PdfAspire.TaskQueue;

/// <summary>
/// When the next retry this worker knows of is due, so the housekeeping promotes retries when they are due instead of
/// asking Redis every second: learnt from the retries this worker schedules, from each heartbeat (the earliest in the
/// delayed set) and from each promotion (the next one still waiting).
/// </summary>
public sealed class RetryPromotion
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _next;

    /// <summary>A retry is due at <paramref name="due"/>; null says nothing.</summary>
    public void Expect(DateTimeOffset? due)
    {
        lock (_lock)
        {
            if (due is { } at && (_next is null || at < _next))
            {
                _next = at;
            }
        }
    }

    /// <summary>After a promotion: <paramref name="next"/> is the earliest retry still waiting, or null.</summary>
    public void Reset(DateTimeOffset? next)
    {
        lock (_lock)
        {
            _next = next;
        }
    }

    public bool IsDue(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _next <= now;
        }
    }
}
