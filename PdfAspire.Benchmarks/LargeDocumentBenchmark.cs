using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PdfAspire.Benchmarks;

/// <summary>
/// `./bench.sh --large`: one long document against the same pages as separate documents, on the same cores, in one
/// run. The long document is texlive-latex-base-doc's documents joined by qpdf until it has 3,000 pages (made in a
/// temporary folder, never committed). Rows: the separate documents through the default pipeline; the long document
/// alone through it, split into page ranges (EXTRACTION_SPLIT_PAGES, the default) and read in one piece (=0). For each:
/// time, the share of the cores its extractors kept busy, and the largest extractor's peak memory.
/// </summary>
public static class LargeDocumentBenchmark
{
    private const int TargetPages = 3000;

    public static async Task RunAsync(bool smoke, string output, string environment)
    {
        var cores = Environment.ProcessorCount;
        var parts = Parts(BenchCorpus.FromPackage(BenchCorpus.LatexBase, null), smoke ? 200 : TargetPages);
        var joined = Join(parts);
        Console.WriteLine($"large: {parts.Count} documents, {parts.Sum(d => d.Pages):N0} pages, joined into one of {joined.Pages:N0} pages, {joined.Content.Length / 1048576.0:0.0} MB");
        await using var system = await LocalSystem.StartAsync();
        await PipelineRuns.UploadAsync(system, parts, "large-parts");
        await PipelineRuns.UploadAsync(system, [joined], "large-joined");
        // Every row's worker warms up on the separate documents, so compiling is out of every row alike.
        var warmUp = (parts, "large-parts");
        var rows = new List<Measurement>();
        Console.WriteLine("large: the pages as separate documents…");
        rows.Add(await PipelineRuns.ThroughputAsync(system, parts, "large-parts", 1, PipelineRuns.DefaultConcurrency, warmUpOn: warmUp,
            name: $"{parts.Count} separate documents"));
        Console.WriteLine("large: one long document, split into page ranges…");
        rows.Add(await PipelineRuns.ThroughputAsync(system, [joined], "large-joined", 1, PipelineRuns.DefaultConcurrency, warmUpOn: warmUp,
            name: "one long document, split (EXTRACTION_SPLIT_PAGES default)"));
        Console.WriteLine("large: one long document in one piece…");
        rows.Add(await PipelineRuns.ThroughputAsync(system, [joined], "large-joined", 1, PipelineRuns.DefaultConcurrency, warmUpOn: warmUp,
            settings: new Dictionary<string, string> { ["EXTRACTION_SPLIT_PAGES"] = "0" }, name: "one long document in one piece (EXTRACTION_SPLIT_PAGES=0)"));

        var report = Markdown(rows, cores, environment);
        Console.WriteLine();
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(output, "large.md"), report);
        Console.WriteLine($"Written: {output}/large.md");
    }

    /// <summary>Documents in the corpus's order until they add up to <paramref name="pages"/>, the largest one left out.</summary>
    private static List<CorpusDocument> Parts(IReadOnlyList<CorpusDocument> corpus, int pages)
    {
        var largest = corpus.MaxBy(d => d.Pages);
        var parts = new List<CorpusDocument>();
        foreach (var document in corpus.Where(d => d != largest))
        {
            if (parts.Sum(d => d.Pages) >= pages)
            {
                break;
            }
            parts.Add(document);
        }
        return parts;
    }

    private static CorpusDocument Join(IReadOnlyList<CorpusDocument> parts)
    {
        var folder = Directory.CreateTempSubdirectory("pdfaspire-large-");
        try
        {
            var inputs = parts.Select((d, i) =>
            {
                var path = Path.Combine(folder.FullName, $"{i}.pdf");
                File.WriteAllBytes(path, d.Content);
                return path;
            }).ToList();
            var joined = Path.Combine(folder.FullName, "joined.pdf");
            var start = new ProcessStartInfo("qpdf") { RedirectStandardError = true };
            start.ArgumentList.Add("--empty");
            start.ArgumentList.Add("--pages");
            inputs.ForEach(start.ArgumentList.Add);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(joined);
            using var qpdf = Process.Start(start)!;
            var errors = qpdf.StandardError.ReadToEnd();
            qpdf.WaitForExit();
            // 3: warnings (a damaged part qpdf repaired); the joined file is still written.
            if (qpdf.ExitCode is not (0 or 3))
            {
                throw new InvalidOperationException($"qpdf could not join the documents: {errors}");
            }
            var content = File.ReadAllBytes(joined);
            return BenchCorpus.Load($"{parts.Sum(d => d.Pages)}-pages.pdf", content);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Markdown(List<Measurement> rows, int cores, string environment)
    {
        var separate = rows[0];
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# One long document against its pages as separate documents ({environment})");
        md.AppendLine();
        md.AppendLine("| run | seconds | pages/s | × separate documents' time | extractors' busy share of the cores | worker CPU ms/page | extractor CPU ms/page | largest extractor's peak |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var busy = r.CpuSeconds[Measurement.ExtractorCpu] / (r.Elapsed.TotalSeconds * cores);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Elapsed.TotalSeconds:0.0} | {r.PagesPerSecond:0} | {r.Elapsed / separate.Elapsed:0.00} | {busy:P0} | {r.CpuMsPerPage(Measurement.WorkerCpu):0.00} | {r.CpuMsPerPage(Measurement.ExtractorCpu):0.00} | {r.LargestExtractorPeakRssBytes / 1048576.0:0} MiB |");
        }
        md.AppendLine();
        md.AppendLine("Targets (issue 25): the long document split keeps ≥ 75 % of the cores busy and takes ≤ 1.2 × the separate documents' time; its largest extractor peaks no higher than the one-piece row's.");
        return md.ToString();
    }
}
