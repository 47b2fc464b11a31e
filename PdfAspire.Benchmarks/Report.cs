using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PdfAspire.Benchmarks;

/// <summary>The results as Markdown, JSON and a PNG chart per corpus, with the targets evaluated on each corpus.</summary>
public sealed class Report(IReadOnlyList<CorpusResult> corpora, Overhead overhead, string environment)
{
    private const double IdealTarget = 0.9;
    private const double PopplerTarget = 1.0;
    private const double WorkerCpuTargetMs = 0.3;
    private const double ExtractorCpuTarget = 1.1;
    private const double OverheadAboveStoreTargetMs = 3;

    /// <summary>One-page documents: the pipeline against pdftotext starting a process per file.</summary>
    private const double OnePagePopplerTarget = 2.0;

    /// <summary>Worker and extractors together at the default shape before this target was set (texlive-latex-base-doc, 715–757 MiB).</summary>
    private const long MemoryTargetBytes = 757L << 20;

    public static IReadOnlyList<string> Targets(CorpusResult corpus)
    {
        var pipeline = corpus.DefaultPipeline;
        if (corpus.Corpus == BenchCorpus.OnePageName)
        {
            // Per document, the extractor's part is small beside the pipeline's own; ideal (extractors alone) says little here.
            return
            [
                Verdict($"default pipeline ≥ {OnePagePopplerTarget} × pdftotext's files/s", pipeline.PagesPerSecond / corpus.Poppler.PagesPerSecond >= OnePagePopplerTarget,
                    $"{pipeline.PagesPerSecond / corpus.Poppler.PagesPerSecond:0.00} ×"),
            ];
        }
        var lone = corpus.LoneExtractor.CpuMsPerPage(Measurement.ExtractorCpu)!.Value;
        var extractors = pipeline.CpuMsPerPage(Measurement.ExtractorCpu)!.Value;
        var worker = pipeline.CpuMsPerPage(Measurement.WorkerCpu)!.Value;
        return
        [
            Ratio(pipeline, corpus.Ideal) is { } toIdeal
                ? Verdict($"default pipeline ≥ {IdealTarget} × ideal", toIdeal >= IdealTarget, $"{toIdeal:0.00} ×")
                : $"not measured: default pipeline ≥ {IdealTarget} × ideal (the lone extractor's CPU was below the clock's tick)",
            Verdict($"default pipeline ≥ {PopplerTarget} × pdftotext", pipeline.PagesPerSecond / corpus.Poppler.PagesPerSecond >= PopplerTarget,
                $"{pipeline.PagesPerSecond / corpus.Poppler.PagesPerSecond:0.00} ×"),
            Verdict($"worker CPU ≤ {WorkerCpuTargetMs} ms per page", worker <= WorkerCpuTargetMs, $"{worker:0.00} ms"),
            Verdict($"extractor CPU per page in the pipeline ≤ {ExtractorCpuTarget} × the lone extractor's", extractors <= ExtractorCpuTarget * lone,
                $"{extractors:0.00} ms against {lone:0.00} ms, {extractors / lone:0.00} ×"),
            Verdict($"worker + extractors' peak memory ≤ {MiB(MemoryTargetBytes)}", pipeline.TogetherPeakBytes <= MemoryTargetBytes,
                MiB(pipeline.TogetherPeakBytes)),
        ];
    }

    public string OverheadTarget => Verdict($"per-task overhead p50 ≤ {OverheadAboveStoreTargetMs} ms above the object store's own GET",
        overhead.P50Ms <= overhead.StoreGetP50Ms + OverheadAboveStoreTargetMs, $"{overhead.P50Ms:0.0} ms against a {overhead.StoreGetP50Ms:0.0} ms GET");

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {environment}.");
        foreach (var corpus in corpora)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"### {corpus.Corpus}: {corpus.Documents} PDFs, {corpus.Pages:N0} pages, {corpus.Bytes / 1048576.0:0.0} MB");
            md.AppendLine();
            md.AppendLine("| run | seconds | pages/s | × ideal | × pdftotext | worker CPU ms/page | extractor CPU ms/page | all CPU ms/page | redis-server CPU µs/task | worker peak RSS | extractors' peaks (sum) | worker + extractors, peak together |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in corpus.Rows)
            {
                var name = r.Name == CorpusResult.DefaultPipelineName ? $"**{r.Name} (default)**" : r.Name;
                var dead = r.DeadLettered > 0 ? $" ({r.DeadLettered} dead-lettered)" : "";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name}{dead} | {r.Elapsed.TotalSeconds:0.0} | {r.PagesPerSecond:0} | {Times(Ratio(r, corpus.Ideal))} | {r.PagesPerSecond / corpus.Poppler.PagesPerSecond:0.00} | {Ms(r.CpuMsPerPage(Measurement.WorkerCpu))} | {Ms(r.CpuMsPerPage(Measurement.ExtractorCpu))} | {Ms(r.TotalCpuMsPerPage)} | {Us(r.RedisCpuMicrosecondsPerTask)} | {MiB(r.PeakRssBytes)} | {MiB(r.ExtractorPeakRssBytes)} | {MiB(r.TogetherPeakBytes)} |");
            }
            md.AppendLine();
            md.AppendLine("CPU seconds by process (every core gives one CPU-second per second):");
            md.AppendLine();
            foreach (var r in corpus.Rows.Where(r => r.CpuSeconds.Count > 0))
            {
                var gc = r.WorkerGcPauseSeconds is { } pause ? $"; the workers paused for GC {pause:0.0} s" : "";
                var jit = r.WorkerJitSeconds is { } compiling ? $" and compiled (JIT) for {compiling:0.00} s" : "";
                var warm = r.WarmUp is { } w
                    ? $". Before the clock: {w.Documents} documents in {w.Rounds} warm-up rounds, {w.Elapsed.TotalSeconds:0.0} s, {w.CpuSeconds:0.0} CPU-seconds (the workers' JIT {w.WorkerJitSeconds:0.0} s)"
                    : "";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"- {r.Name} ({r.Elapsed.TotalSeconds:0.0} s): {string.Join(", ", r.CpuSeconds.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:0.0}"))}{gc}{jit}{warm}");
            }
            if (corpus.Corpus == BenchCorpus.OnePageName)
            {
                md.AppendLine();
                md.AppendLine(PerDocument(corpus));
            }
            md.AppendLine();
            md.AppendLine("Targets:");
            foreach (var target in Targets(corpus))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {target}");
            }
        }
        md.AppendLine();
        md.AppendLine(OverheadSummary(overhead));
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- {OverheadTarget}");
        return md.ToString();
    }

    public string Json() => JsonSerializer.Serialize(new
    {
        measured_at = DateTimeOffset.UtcNow,
        environment,
        corpora = corpora.Select(c => new
        {
            corpus = c.Corpus,
            runs = c.Rows.Select(r => new
            {
                name = r.Name, computed = r.Computed, documents = r.Documents, pages = r.Pages, bytes = r.Bytes, seconds = r.Elapsed.TotalSeconds,
                pages_per_second = r.PagesPerSecond, megabytes_per_second = r.MegabytesPerSecond,
                ratio_to_ideal = Ratio(r, c.Ideal), ratio_to_pdftotext = r.PagesPerSecond / c.Poppler.PagesPerSecond,
                worker_cpu_ms_per_page = r.CpuMsPerPage(Measurement.WorkerCpu),
                extractor_cpu_ms_per_page = r.CpuMsPerPage(Measurement.ExtractorCpu),
                all_cpu_ms_per_page = r.TotalCpuMsPerPage,
                peak_rss_bytes = r.PeakRssBytes,
                extractor_peak_rss_bytes = r.ExtractorPeakRssBytes,
                together_peak_bytes = r.TogetherPeakBytes,
                worker_gc_pause_seconds = r.WorkerGcPauseSeconds,
                worker_jit_seconds = r.WorkerJitSeconds,
                warm_up = r.WarmUp is { } w ? new { rounds = w.Rounds, documents = w.Documents, seconds = w.Elapsed.TotalSeconds, cpu_seconds = w.CpuSeconds, worker_jit_seconds = w.WorkerJitSeconds } : null,
                dead_lettered = r.DeadLettered,
                cpu_seconds = r.CpuSeconds,
            }),
            targets = Targets(c),
        }),
        overhead = new { tasks = overhead.Tasks, p50_ms = overhead.P50Ms, p99_ms = overhead.P99Ms, mean_end_to_end_ms = overhead.MeanEndToEndMs, phases_p50_ms = overhead.PhasesP50Ms, store_get_p50_ms = overhead.StoreGetP50Ms, target = OverheadTarget },
    }, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>One PNG per corpus, named after <see cref="Slug"/>.</summary>
    public IEnumerable<string> Charts(string folder)
    {
        foreach (var corpus in corpora)
        {
            var path = Path.Combine(folder, $"benchmark-{Slug(corpus.Corpus)}.png");
            var plot = new ScottPlot.Plot();
            var bars = plot.Add.Bars(corpus.Rows.Select(r => r.PagesPerSecond).ToArray());
            bars.Color = ScottPlot.Colors.SteelBlue;
            plot.Axes.Bottom.SetTicks([.. corpus.Rows.Select((_, i) => (double)i)], [.. corpus.Rows.Select(r => ShortName(r.Name))]);
            plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleRight;
            plot.Axes.Margins(bottom: 0);
            plot.YLabel("pages/s");
            plot.Title($"{corpus.Corpus}: pages/s on {Environment.ProcessorCount} cores");
            plot.SavePng(path, 1200, 640);
            yield return path;
        }
    }

    /// <summary>A corpus name as a file name or key prefix: letters and digits, the rest as dashes.</summary>
    public static string Slug(string name) =>
        string.Join('-', new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ')])
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string ShortName(string name) => name
        .Replace(" (in-process)", "", StringComparison.Ordinal)
        .Replace(" (poppler)", "", StringComparison.Ordinal)
        .Replace("pipeline: ", "pipeline ", StringComparison.Ordinal)
        .Replace(" workers", "w", StringComparison.Ordinal).Replace(" worker", "w", StringComparison.Ordinal)
        .Replace(" × concurrency ", " × c", StringComparison.Ordinal)
        .Replace(", in-process extraction", " in-proc", StringComparison.Ordinal)
        .Replace(" extractor processes, no pipeline", " extractors", StringComparison.Ordinal)
        .Replace("one extractor process, one document at a time", "1 extractor", StringComparison.Ordinal)
        .Split(':')[0];

    /// <summary>What one small document costs each process of the default pipeline, beside pdftotext's process per file.</summary>
    private static string PerDocument(CorpusResult corpus)
    {
        var pipeline = corpus.DefaultPipeline;
        var poppler = corpus.Poppler.CpuSeconds.Values.Sum() * 1000 / corpus.Poppler.Documents;
        var processes = pipeline.CpuSeconds.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value * 1000 / pipeline.Documents:0.00}");
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU per document in the default pipeline, ms: {string.Join(", ", processes)} (all but the benchmark: {pipeline.TotalCpuMsPerPage * pipeline.Pages / pipeline.Documents:0.00}); pdftotext {poppler:0.00} ms a file.");
    }

    public static string OverheadSummary(Overhead overhead) => string.Create(CultureInfo.InvariantCulture,
        $"Per-task overhead on one-page PDFs ({overhead.Tasks} tasks, one at a time, one worker): p50 {overhead.P50Ms:0.0} ms, p99 {overhead.P99Ms:0.0} ms (mean end to end {overhead.MeanEndToEndMs:0.0} ms). Where it goes, median of each phase: {string.Join("; ", overhead.PhasesP50Ms.Select(p => $"{p.Key} {p.Value:0.0} ms"))}. The object store alone answers a plain GET of the same object (presigned URL, no SDK) in {overhead.StoreGetP50Ms:0.0} ms.");

    /// <summary>How many times <paramref name="basis"/>'s pages/s the row reached; null without a basis.</summary>
    private static double? Ratio(Measurement row, Measurement? basis) => basis is null ? null : row.PagesPerSecond / basis.PagesPerSecond;

    private static string Times(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "–";

    private static string MiB(long? bytes) => bytes is { } b ? $"{b / 1048576.0:0} MiB" : "";

    private static string Us(double? microseconds) => microseconds is { } us ? us.ToString("0", CultureInfo.InvariantCulture) : "–";

    private static string Ms(double? ms) => ms is { } m ? $"{m:0.00}" : "";

    private static string Verdict(string target, bool met, string measured) => $"{(met ? "met" : "MISSED")}: {target} (measured {measured})";
}
