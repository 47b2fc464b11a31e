using System.Diagnostics;
using PdfAspire.Worker.Extraction;

namespace PdfAspire.Benchmarks;

/// <summary>The ceiling: the worker's own extractor, in-process, one document per core at a time.</summary>
public static class RawExtraction
{
    /// <summary>The worker's defaults (OCR on, hyphenated words joined), with no page limit.</summary>
    public static ExtractionSettings Extraction { get; } = new(int.MaxValue, JoinHyphenatedWords: true, new OcrSettings("eng", 300));

    public static Measurement Run(IReadOnlyList<CorpusDocument> corpus)
    {
        long pages = 0;
        var cpuBefore = ProcessCpu.Seconds(Environment.ProcessId);
        var watch = Stopwatch.StartNew();
        Parallel.ForEach(corpus, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, document =>
        {
            // The same input the worker gives PdfPig: a MemoryStream over the whole document.
            using var stream = new MemoryStream(document.Content, writable: false);
            Interlocked.Add(ref pages, PdfExtractor.Extract(stream, Extraction, CancellationToken.None).PageCount);
        });
        return new Measurement("raw PdfPig (in-process)", corpus.Count, pages, corpus.Sum(d => (long)d.Content.Length), watch.Elapsed)
        {
            CpuSeconds = new Dictionary<string, double> { ["benchmark (this process)"] = ProcessCpu.Seconds(Environment.ProcessId) - cpuBefore },
        };
    }
}
