namespace PdfAspire.Benchmarks;

/// <summary>One row of the results table.</summary>
public sealed record Measurement(string Name, int Documents, long Pages, long Bytes, TimeSpan Elapsed, long? PeakRssBytes = null)
{
    /// <summary>The <see cref="CpuSeconds"/> key of the worker processes (in-process extraction included).</summary>
    public const string WorkerCpu = "worker(s)";

    /// <summary>The <see cref="CpuSeconds"/> key of the extractor processes.</summary>
    public const string ExtractorCpu = "extractor processes";

    /// <summary>The benchmark's own process while it waits for a pipeline: not part of the work measured.</summary>
    public const string BenchmarkCpu = "benchmark (this process)";

    /// <summary>Peak resident memory of one worker's extractor processes, added up (largest over the run's workers).</summary>
    public long? ExtractorPeakRssBytes { get; init; }

    /// <summary>The highest peak resident memory of any one extractor process in the run.</summary>
    public long? LargestExtractorPeakRssBytes { get; init; }

    /// <summary>One worker and its extractors together at their highest (sampled, shared pages once; largest over the run's workers).</summary>
    public long? TogetherPeakBytes { get; init; }

    /// <summary>CPU seconds each process spent during the run: where the cores went.</summary>
    public IReadOnlyDictionary<string, double> CpuSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Wall time the workers' garbage collector paused them for (pipeline rows).</summary>
    public double? WorkerGcPauseSeconds { get; init; }

    /// <summary>Wall time the workers spent compiling (JIT) during the run: near zero once warm (pipeline rows).</summary>
    public double? WorkerJitSeconds { get; init; }

    /// <summary>What bringing the row's processes to a steady state cost before the clock started.</summary>
    public WarmUp? WarmUp { get; init; }

    /// <summary>Documents the pipeline dead-lettered instead of delivering (their pages still count: they were worked on).</summary>
    public int DeadLettered { get; init; }

    /// <summary>A row computed from the others (the ideal scaling), not measured.</summary>
    public bool Computed { get; init; }

    /// <summary>The key of redis-server's CPU in <see cref="CpuSeconds"/> (pipeline rows: the Redis every worker shares).</summary>
    public const string RedisCpu = "redis-server";

    public double PagesPerSecond => Pages / Elapsed.TotalSeconds;

    /// <summary>What each document's task cost the Redis every worker shares, in µs of its CPU; null for rows without Redis.</summary>
    public double? RedisCpuMicrosecondsPerTask => CpuSeconds.TryGetValue(RedisCpu, out var seconds) ? seconds * 1e6 / Documents : null;

    public double MegabytesPerSecond => Bytes / 1048576.0 / Elapsed.TotalSeconds;

    /// <summary>Milliseconds of CPU per page that <paramref name="process"/> spent; null when the row did not measure it.</summary>
    public double? CpuMsPerPage(string process) => CpuSeconds.TryGetValue(process, out var seconds) ? seconds * 1000 / Pages : null;

    /// <summary>Milliseconds of CPU per page that all the row's processes spent on the work (the benchmark's polling left out).</summary>
    public double? TotalCpuMsPerPage => CpuSeconds.Count == 0 ? null : CpuSeconds.Where(c => c.Key != BenchmarkCpu).Sum(c => c.Value) * 1000 / Pages;
}

/// <summary>
/// Per-task overhead on one-page PDFs: end-to-end latency minus the extraction itself. <c>PhasesP50Ms</c> splits it
/// by the timestamps the worker sends with each result and the one ingest stores it with (median of each phase).
/// <c>StoreGetP50Ms</c> is the object store's own answer to a plain GET: the part no worker can take away.
/// </summary>
public sealed record Overhead(int Tasks, double P50Ms, double P99Ms, double MeanEndToEndMs, IReadOnlyDictionary<string, double> PhasesP50Ms,
    double StoreGetP50Ms);

/// <summary>
/// The warm-up before a row: <paramref name="CpuSeconds"/> of its processes (workers and extractors) and the part of
/// it the workers spent compiling. A cost each new worker pays once, not per page.
/// </summary>
public sealed record WarmUp(int Rounds, int Documents, TimeSpan Elapsed, double CpuSeconds, double WorkerJitSeconds);
