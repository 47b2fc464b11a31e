namespace PdfAspire.Benchmarks;

/// <summary>One row of the results table.</summary>
public sealed record Measurement(string Name, int Documents, long Pages, long Bytes, TimeSpan Elapsed, long? PeakRssBytes = null)
{
    /// <summary>Peak resident memory of one worker's extractor processes, added up (largest over the run's workers).</summary>
    public long? ExtractorPeakRssBytes { get; init; }

    /// <summary>One worker and its extractors together at their highest (sampled, shared pages once; largest over the run's workers).</summary>
    public long? TogetherPeakBytes { get; init; }

    /// <summary>CPU seconds each process spent during the run: where the cores went.</summary>
    public IReadOnlyDictionary<string, double> CpuSeconds { get; init; } = new Dictionary<string, double>();

    public double PagesPerSecond => Pages / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => Bytes / 1048576.0 / Elapsed.TotalSeconds;
}

/// <summary>
/// Per-task overhead on one-page PDFs: end-to-end latency minus the extraction itself. <c>PhasesP50Ms</c> splits it
/// by the timestamps the worker sends with each result and the one ingest stores it with (median of each phase).
/// <c>StoreGetP50Ms</c> is the object store's own answer to a plain GET: the part no worker can take away.
/// </summary>
public sealed record Overhead(int Tasks, double P50Ms, double P99Ms, double MeanEndToEndMs, IReadOnlyDictionary<string, double> PhasesP50Ms,
    double StoreGetP50Ms);
