namespace PdfAspire.Benchmarks;

/// <summary>One row of the results table.</summary>
public sealed record Measurement(string Name, int Documents, long Pages, long Bytes, TimeSpan Elapsed, long? PeakRssBytes = null)
{
    public double PagesPerSecond => Pages / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => Bytes / 1048576.0 / Elapsed.TotalSeconds;
}

/// <summary>Per-task overhead on one-page PDFs: end-to-end latency minus the extraction itself.</summary>
public sealed record Overhead(int Tasks, double P50Ms, double P99Ms, double MeanEndToEndMs);
