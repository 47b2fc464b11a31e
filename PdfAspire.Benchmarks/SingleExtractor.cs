using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using PdfAspire.Worker.Extraction.Isolation;

namespace PdfAspire.Benchmarks;

/// <summary>
/// One extractor process, as the worker runs it, fed the corpus one document after another: its CPU per page and
/// its peak memory, without the rest of the pipeline around it.
/// </summary>
public static class SingleExtractor
{
    public static async Task<Measurement> RunAsync(IReadOnlyList<CorpusDocument> corpus)
    {
        using var extractor = ExtractorProcess.Start(RawExtraction.Extraction, 1024L << 20, NullLogger.Instance);
        foreach (var document in corpus.Take(2))
        {
            // Warm-up, as for the other rows: JIT and font tables.
            await extractor.ExtractAsync(document.Content, CancellationToken.None);
        }
        var cpuBefore = ProcessCpu.Seconds(extractor.ProcessId);
        long pages = 0;
        var watch = Stopwatch.StartNew();
        foreach (var document in corpus)
        {
            pages += (await extractor.ExtractAsync(document.Content, CancellationToken.None)).PageCount;
        }
        return new Measurement("one extractor process, one document at a time", corpus.Count, pages,
            corpus.Sum(d => (long)d.Content.Length), watch.Elapsed, ProcFs.PeakResidentBytes(extractor.ProcessId))
        {
            CpuSeconds = new Dictionary<string, double> { ["extractor process"] = ProcessCpu.Seconds(extractor.ProcessId) - cpuBefore },
        };
    }
}
