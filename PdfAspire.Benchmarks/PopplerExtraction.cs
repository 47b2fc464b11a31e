using System.Diagnostics;

namespace PdfAspire.Benchmarks;

/// <summary>What users would pick instead: poppler's pdftotext, one process per document, as many at once as cores.</summary>
public static class PopplerExtraction
{
    public const string Name = "pdftotext (poppler)";

    public static async Task<Measurement> RunAsync(IReadOnlyList<CorpusDocument> corpus)
    {
        var folder = Directory.CreateTempSubdirectory("pdfaspire-bench-poppler-").FullName;
        try
        {
            var files = corpus.Select((d, i) => (Path: Path.Combine(folder, $"{i}.pdf"), d)).ToList();
            files.ForEach(f => File.WriteAllBytes(f.Path, f.d.Content));
            var cpuBefore = ProcessCpu.ReapedChildrenSeconds(Environment.ProcessId);
            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (file, ct) =>
            {
                using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-q", file.Path, "-"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                await process.StandardOutput.ReadToEndAsync(ct);
                await process.WaitForExitAsync(ct);
            });
            return new Measurement(Name, corpus.Count, corpus.Sum(d => (long)d.Pages), corpus.Sum(d => (long)d.Content.Length), watch.Elapsed)
            {
                CpuSeconds = new Dictionary<string, double> { ["pdftotext processes"] = ProcessCpu.ReapedChildrenSeconds(Environment.ProcessId) - cpuBefore },
            };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
