using System.Runtime.ExceptionServices;

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>
/// The pages of one large document still to extract, handed out a range at a time to whichever of its extractors is
/// free. Ranges are sized to take about <see cref="TargetRangeDuration"/> at the pace seen so far (short enough that a
/// lent slot comes back soon and the last range leaves no long tail, long enough that a round trip is noise), and never
/// more than a fair share of what is left.
/// </summary>
internal sealed class PagePlan : IDisposable
{
    public static readonly TimeSpan TargetRangeDuration = TimeSpan.FromMilliseconds(200);

    /// <summary>A range lent out may run this many times its expected time (at least <see cref="MinLoanLimit"/>) before it is cut.</summary>
    private const int LoanLimitFactor = 20;

    private static readonly TimeSpan MinLoanLimit = TimeSpan.FromSeconds(5);

    private const int MaxRangePages = 256;

    private readonly Lock _gate = new();
    private readonly Stack<PageRange> _givenBack = new();
    private readonly int _pageCount;
    private readonly int _extractors;
    private readonly CancellationTokenSource _stopBorrowing = new();
    private int _next;
    private int _pagesDone;
    private TimeSpan _timeDone;
    private ExceptionDispatchInfo? _failure;

    /// <summary>
    /// A plan for the pages after <paramref name="done"/>, the first range, already extracted in <paramref name="took"/>:
    /// the plan starts at its pace. <paramref name="extractors"/> is the most the document could have at once: what is
    /// left is shared that many ways.
    /// </summary>
    public PagePlan(int pageCount, PageRange done, TimeSpan took, int extractors)
    {
        (_pageCount, _extractors, _next) = (pageCount, extractors, done.Last + 1);
        Record(done, took);
    }

    /// <summary>
    /// Cancelled once every range has been handed out, the document failed, or a lent range had to be cut: no slot is
    /// worth borrowing (or safe to lend to this document) after that.
    /// </summary>
    public CancellationToken StopBorrowing => _stopBorrowing.Token;

    public bool HasMore
    {
        get
        {
            lock (_gate)
            {
                return _failure is null && (_givenBack.Count > 0 || _next <= _pageCount);
            }
        }
    }

    /// <summary>The next range; <paramref name="last"/> when nothing is left after it.</summary>
    public bool TryTake(out PageRange range, out bool last)
    {
        lock (_gate)
        {
            (range, last) = (default, false);
            if (_failure is not null || !(_givenBack.TryPop(out range) || TryTakeNext(out range)))
            {
                return false;
            }
            last = _givenBack.Count == 0 && _next > _pageCount;
        }
        if (last)
        {
            _stopBorrowing.Cancel();
        }
        return true;
    }

    private bool TryTakeNext(out PageRange range)
    {
        range = default;
        if (_next > _pageCount)
        {
            return false;
        }
        var left = _pageCount - _next + 1;
        var perPage = _timeDone / Math.Max(1, _pagesDone);
        var atPace = perPage > TimeSpan.Zero ? (int)Math.Min(MaxRangePages, TargetRangeDuration / perPage) : MaxRangePages;
        var fairShare = (left + _extractors - 1) / _extractors;
        range = new PageRange(_next, Math.Min(_pageCount, _next + Math.Clamp(Math.Min(atPace, fairShare), 1, MaxRangePages) - 1));
        _next = range.Last + 1;
        return true;
    }

    public void Record(PageRange range, TimeSpan took)
    {
        lock (_gate)
        {
            _pagesDone += range.Count;
            _timeDone += took;
        }
    }

    /// <summary>How long a lent range may run before it is cut and given back to the document's own slot.</summary>
    public TimeSpan LoanLimit(PageRange range)
    {
        lock (_gate)
        {
            var expected = _timeDone / Math.Max(1, _pagesDone) * range.Count;
            return TimeSpan.FromTicks(Math.Max(MinLoanLimit.Ticks, expected.Ticks * LoanLimitFactor));
        }
    }

    /// <summary>A lent range that ran past its limit: the document's own slot redoes it, and the document borrows no more.</summary>
    public void GiveBack(PageRange range)
    {
        lock (_gate)
        {
            _givenBack.Push(range);
        }
        _stopBorrowing.Cancel();
    }

    /// <summary>The document failed: no more ranges; the first failure is the document's.</summary>
    public void Fail(Exception failure)
    {
        lock (_gate)
        {
            _failure ??= ExceptionDispatchInfo.Capture(failure);
        }
        _stopBorrowing.Cancel();
    }

    public void ThrowIfFailed() => _failure?.Throw();

    public void Dispose() => _stopBorrowing.Dispose();
}
