namespace PdfAspire.Worker.Extraction;

/// <summary>
/// DOCUMENT_TIMEOUT_SECONDS for one document: its download and its extraction, but not its wait for a free extractor
/// (<see cref="Pause"/>). A worker has more tasks in flight than extractors, so a document can wait behind another
/// one's whole extraction; that wait is the worker's doing, not the document's, and must not fail it as a timeout.
/// </summary>
public sealed class DocumentDeadline : IDisposable
{
    private readonly CancellationTokenSource _clock;
    private readonly CancellationTokenSource _source;
    private readonly TimeProvider _time;
    private TimeSpan _left;
    private long _runningSince;
    private long _pausedSince;

    /// <param name="limit">DOCUMENT_TIMEOUT_SECONDS.</param>
    /// <param name="time">The clock the limit runs on.</param>
    /// <param name="cancelled">Cancels the document too, whatever time it has left (the worker's shutdown).</param>
    public DocumentDeadline(TimeSpan limit, TimeProvider time, CancellationToken cancelled)
    {
        (_time, _left, _runningSince) = (time, limit, time.GetTimestamp());
        _clock = new CancellationTokenSource(limit, time);
        _source = CancellationTokenSource.CreateLinkedTokenSource(_clock.Token, cancelled);
    }

    /// <summary>Cancelled once the document's time is up, or it is cancelled.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether the time is up (as opposed to the document being cancelled).</summary>
    public bool HasPassed => _clock.IsCancellationRequested;

    /// <summary>How long the clock was stopped, all pauses together: the document's wait for an extractor.</summary>
    public TimeSpan Paused { get; private set; }

    /// <summary>
    /// Stops the clock until the result is disposed. Called by the document's own flow, one pause at a time; a
    /// deadline already passed stays passed.
    /// </summary>
    public IDisposable Pause()
    {
        _pausedSince = _time.GetTimestamp();
        _left -= _time.GetElapsedTime(_runningSince, _pausedSince);
        _clock.CancelAfter(Timeout.InfiniteTimeSpan);
        return new StoppedClock(this);
    }

    /// <summary>Cancels the document now (nobody will extract it).</summary>
    public Task CancelAsync() => _source.CancelAsync();

    private void Resume()
    {
        _runningSince = _time.GetTimestamp();
        Paused += _time.GetElapsedTime(_pausedSince, _runningSince);
        _clock.CancelAfter(_left > TimeSpan.Zero ? _left : TimeSpan.Zero);
    }

    public void Dispose()
    {
        _source.Dispose();
        _clock.Dispose();
    }

    private sealed class StoppedClock(DocumentDeadline deadline) : IDisposable
    {
        private int _resumed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _resumed, 1) == 0)
            {
                deadline.Resume();
            }
        }
    }
}
