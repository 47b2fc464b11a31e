using System.Diagnostics;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Extraction;

namespace PdfAspire.Benchmarks;

/// <summary>The worker's own extraction code in the benchmark's process, one document per core at a time: PdfPig with no process boundary.</summary>
public static class RawExtraction
{
    public static Measurement Run(IReadOnlyList<CorpusDocument> corpus)
    {
        long pages = 0;
        var refused = 0;
        var cpuBefore = ProcessCpu.Seconds(Environment.ProcessId);
        var watch = Stopwatch.StartNew();
        Parallel.ForEach(corpus, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, document =>
        {
            // The same input the worker gives PdfPig: a MemoryStream over the whole document.
            using var stream = new MemoryStream(document.Content, writable: false);
            try
            {
                Interlocked.Add(ref pages, PdfExtractor.Extract(stream, SingleExtractor.Settings, CancellationToken.None).PageCount);
            }
            catch (TaskFailedException)
            {
                Interlocked.Increment(ref refused); // a scan with OCR off, a broken file: the pipeline dead-letters these too
            }
        });
        return new Measurement("raw PdfPig (in-process)", corpus.Count, pages, corpus.Sum(d => (long)d.Content.Length), watch.Elapsed)
        {
            CpuSeconds = new Dictionary<string, double> { ["PdfPig threads (this process)"] = ProcessCpu.Seconds(Environment.ProcessId) - cpuBefore },
            DeadLettered = refused,
        };
    }
}
