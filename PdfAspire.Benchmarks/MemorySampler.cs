namespace PdfAspire.Benchmarks;

/// <summary>
/// The memory of one worker and its extractors together, sampled every 100 ms while a run lasts. The peak of the sum
/// is what a pod's memory limit has to hold; it is lower than the sum of each process's own peak, since extractors
/// rarely peak at the same moment.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public MemorySampler(Func<long> sample) => _sampling = SampleAsync(sample);

    public long PeakBytes { get; private set; }

    private async Task SampleAsync(Func<long> sample)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                Sample(sample);
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private void Sample(Func<long> sample)
    {
        try
        {
            PeakBytes = Math.Max(PeakBytes, sample());
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // An extractor exited between the listing and the reading; the next sample sees its successor.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
