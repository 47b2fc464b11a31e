using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PdfAspire.Benchmarks;

/// <summary>The results as a console table, Markdown, JSON and a PNG chart, with the targets evaluated.</summary>
public sealed class Report(IReadOnlyList<Measurement> rows, Overhead overhead, string environment)
{
    private const double PipelineTarget = 0.9;
    private const double OverheadTargetMs = 5;
    private const long RssTargetBytes = 400L << 20;

    private Measurement Raw => rows[0];
    private Measurement Poppler => rows[1];

    /// <summary>The pipeline as deployed by default: one worker at concurrency = processor count.</summary>
    private Measurement DefaultPipeline => rows.Single(r => r.Name == $"pipeline: 1 worker × concurrency {Environment.ProcessorCount}");

    public IReadOnlyList<string> Targets =>
    [
        Verdict($"pipeline ≥ {PipelineTarget} × raw PdfPig pages/s", DefaultPipeline.PagesPerSecond / Raw.PagesPerSecond >= PipelineTarget,
            $"{DefaultPipeline.PagesPerSecond / Raw.PagesPerSecond:0.00} ×"),
        Verdict($"per-task overhead p50 ≤ {OverheadTargetMs} ms", overhead.P50Ms <= OverheadTargetMs,
            $"{overhead.P50Ms:0.0} ms, of which the object store's own answer to a plain GET is {overhead.StoreGetP50Ms:0.0} ms"),
        Verdict("worker peak RSS ≤ 400 MiB at the default concurrency", DefaultPipeline.PeakRssBytes <= RssTargetBytes,
            $"{MiB(DefaultPipeline.PeakRssBytes)} for the worker process; {PodMemory}"),
    ];

    /// <summary>
    /// The target was set when PdfPig ran inside the worker. Extractor processes are budgeted per document
    /// (EXTRACTOR_MEMORY_LIMIT_MB each) and a pod by its resource profile, so their sum is reported beside it.
    /// </summary>
    private string PodMemory =>
        $"with its {Environment.ProcessorCount} extractor processes {MiB(DefaultPipeline.TogetherPeakBytes)} together at the peak, what a pod needs";

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {environment}.");
        md.AppendLine();
        md.AppendLine("| run | docs | pages | MB | seconds | pages/s | MB/s | × raw PdfPig | × pdftotext | worker peak RSS | its extractors' peak RSS (sum) | worker + extractors, peak together |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Documents} | {r.Pages} | {r.Bytes / 1048576.0:0.0} | {r.Elapsed.TotalSeconds:0.00} | {r.PagesPerSecond:0.0} | {r.MegabytesPerSecond:0.00} | {r.PagesPerSecond / Raw.PagesPerSecond:0.00} | {r.PagesPerSecond / Poppler.PagesPerSecond:0.00} | {MiB(r.PeakRssBytes)} | {MiB(r.ExtractorPeakRssBytes)} | {MiB(r.TogetherPeakBytes)} |");
        }
        md.AppendLine();
        md.AppendLine("CPU seconds by process during each run (2 cores give 2 CPU seconds per second):");
        md.AppendLine();
        foreach (var r in rows.Where(r => r.CpuSeconds.Count > 0))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"- {r.Name} ({r.Elapsed.TotalSeconds:0.0} s): {string.Join(", ", r.CpuSeconds.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:0.0}"))}");
        }
        md.AppendLine();
        md.AppendLine(OverheadSummary(overhead));
        md.AppendLine();
        md.AppendLine("Targets:");
        foreach (var target in Targets)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {target}");
        }
        return md.ToString();
    }

    public string Json() => JsonSerializer.Serialize(new
    {
        measured_at = DateTimeOffset.UtcNow,
        environment,
        runs = rows.Select(r => new
        {
            name = r.Name, documents = r.Documents, pages = r.Pages, bytes = r.Bytes, seconds = r.Elapsed.TotalSeconds,
            pages_per_second = r.PagesPerSecond, megabytes_per_second = r.MegabytesPerSecond,
            ratio_to_raw_pdfpig = r.PagesPerSecond / Raw.PagesPerSecond, ratio_to_pdftotext = r.PagesPerSecond / Poppler.PagesPerSecond,
            peak_rss_bytes = r.PeakRssBytes,
            extractor_peak_rss_bytes = r.ExtractorPeakRssBytes,
            together_peak_bytes = r.TogetherPeakBytes,
            cpu_seconds = r.CpuSeconds,
        }),
        overhead = new { tasks = overhead.Tasks, p50_ms = overhead.P50Ms, p99_ms = overhead.P99Ms, mean_end_to_end_ms = overhead.MeanEndToEndMs, phases_p50_ms = overhead.PhasesP50Ms, store_get_p50_ms = overhead.StoreGetP50Ms },
        targets = Targets,
    }, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void Chart(string path)
    {
        var plot = new ScottPlot.Plot();
        var bars = plot.Add.Bars(rows.Select(r => r.PagesPerSecond).ToArray());
        bars.Color = ScottPlot.Colors.SteelBlue;
        plot.Axes.Bottom.SetTicks([.. rows.Select((_, i) => (double)i)], [.. rows.Select(r => ShortName(r.Name))]);
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("pages/s");
        plot.Title($"PdfAspire vs raw PdfPig and pdftotext ({Environment.ProcessorCount} cores)");
        plot.SavePng(path, 1100, 560);
    }

    private static string ShortName(string name) => name
        .Replace(" (in-process)", "", StringComparison.Ordinal)
        .Replace(" (poppler)", "", StringComparison.Ordinal)
        .Replace("pipeline: ", "pipeline ", StringComparison.Ordinal)
        .Replace(" worker", "w", StringComparison.Ordinal).Replace("ws", "w", StringComparison.Ordinal)
        .Replace(" × concurrency ", " × c", StringComparison.Ordinal)
        .Replace(", in-process extraction", " in-proc", StringComparison.Ordinal)
        .Replace("one extractor process, one document at a time", "1 extractor", StringComparison.Ordinal);

    public static string OverheadSummary(Overhead overhead) => string.Create(CultureInfo.InvariantCulture,
        $"Per-task overhead on one-page PDFs ({overhead.Tasks} tasks, one at a time, one worker): p50 {overhead.P50Ms:0.0} ms, p99 {overhead.P99Ms:0.0} ms (mean end to end {overhead.MeanEndToEndMs:0.0} ms). Where it goes, median of each phase: {string.Join("; ", overhead.PhasesP50Ms.Select(p => $"{p.Key} {p.Value:0.0} ms"))}. The object store alone answers a plain GET of the same object (presigned URL, no SDK) in {overhead.StoreGetP50Ms:0.0} ms.");

    private static string MiB(long? bytes) => bytes is { } b ? $"{b / 1048576.0:0} MiB" : "";

    private static string Verdict(string target, bool met, string measured) => $"{(met ? "met" : "MISSED")}: {target} (measured {measured})";
}
