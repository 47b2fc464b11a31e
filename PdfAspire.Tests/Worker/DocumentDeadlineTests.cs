extern alias worker;

using Microsoft.Extensions.Time.Testing;
using worker::PdfAspire.Worker.Extraction;

namespace PdfAspire.Tests.Worker;

/// <summary>
/// A document's deadline counts its download and extraction, not its wait for a free extractor: the worker has more
/// tasks in flight than extractors, and a document that waited behind another's extraction must not time out for it.
/// </summary>
public sealed class DocumentDeadlineTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public void TheTimeUp_CancelsTheDocument()
    {
        var time = new FakeTimeProvider();
        using var deadline = new DocumentDeadline(Limit, time, CancellationToken.None);

        time.Advance(Limit - TimeSpan.FromMilliseconds(1));
        Assert.False(deadline.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.HasPassed);
    }

    [Fact]
    public void WhilePaused_TheClockStops_AndAfterwardsOnlyTheTimeLeftRemains()
    {
        var time = new FakeTimeProvider();
        using var deadline = new DocumentDeadline(Limit, time, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(4));
        using (deadline.Pause())
        {
            time.Advance(TimeSpan.FromMinutes(5));
            Assert.False(deadline.Token.IsCancellationRequested);
        }
        time.Advance(TimeSpan.FromSeconds(6) - TimeSpan.FromMilliseconds(1));
        Assert.False(deadline.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(deadline.HasPassed);
        Assert.Equal(TimeSpan.FromMinutes(5), deadline.Paused);
    }

    [Fact]
    public void ADeadlinePassedBeforeThePause_StaysPassed()
    {
        var time = new FakeTimeProvider();
        using var deadline = new DocumentDeadline(Limit, time, CancellationToken.None);
        time.Advance(Limit);

        using (deadline.Pause())
        {
            Assert.True(deadline.Token.IsCancellationRequested);
        }

        Assert.True(deadline.HasPassed);
    }

    [Fact]
    public void Cancelling_EndsTheDocumentEvenWhilePaused_WithoutCallingItATimeout()
    {
        var time = new FakeTimeProvider();
        using var shutdown = new CancellationTokenSource();
        using var deadline = new DocumentDeadline(Limit, time, shutdown.Token);

        using (deadline.Pause())
        {
            shutdown.Cancel();
            Assert.True(deadline.Token.IsCancellationRequested);
        }

        Assert.False(deadline.HasPassed);
    }
}
