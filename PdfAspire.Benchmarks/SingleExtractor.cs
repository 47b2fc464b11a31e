using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Extraction;
using PdfAspire.Worker.Extraction.Isolation;

namespace PdfAspire.Benchmarks;

/// <summary>
/// Extractor processes as the worker runs them, fed the corpus directly with no pipeline around them: one alone (its
/// CPU per page is the engine's own cost, the basis of the "ideal" row), and as many as there are cores, taking the next
/// document as each finishes (how the engine itself scales: what two side by side cost each other).
/// </summary>
public static class SingleExtractor
{
    /// <summary>The worker's defaults for text PDFs: hyphenated words joined, no page limit; throughput runs leave OCR out.</summary>
    public static ExtractionSettings Settings { get; } = new(int.MaxValue, JoinHyphenatedWords: true, Ocr: null);

    /// <summary>
    /// Documents each extractor (and the raw run) reads before the clock starts: enough calls for tiered compilation
    /// to have recompiled PdfPig's hot paths, as in an extractor that has been serving for a while.
    /// </summary>
    public const int WarmUpDocuments = 30;

    public static string Name(int processes) =>
        processes == 1 ? "one extractor process, one document at a time" : $"{processes} extractor processes, no pipeline";

    public static async Task<Measurement> RunAsync(IReadOnlyList<CorpusDocument> corpus, int processes)
    {
        var extractors = Enumerable.Range(0, processes).Select(_ => ExtractorProcess.Start(Settings, 1024L << 20, NullLogger.Instance)).ToList();
        try
        {
            // Warm-up, as for the other rows: JIT and font tables, in every process. A document the extractor refuses
            // (a scan with OCR off, an encrypted one: a folder given with --corpus may hold any) warms it up too.
            await Task.WhenAll(extractors.Select(async e =>
            {
                foreach (var document in corpus.Take(WarmUpDocuments))
                {
                    try
                    {
                        await e.ExtractAsync(document.Content, CancellationToken.None);
                    }
                    catch (TaskFailedException)
                    {
                        // Refusing it ran the same code; the measured run below counts such documents.
                    }
                }
            }));
            var cpuBefore = extractors.Sum(e => ProcessCpu.Seconds(e.ProcessId));
            var next = new ConcurrentQueue<CorpusDocument>(corpus);
            long pages = 0;
            var refused = 0;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(extractors.Select(async e =>
            {
                while (next.TryDequeue(out var document))
                {
                    try
                    {
                        Interlocked.Add(ref pages, (await e.ExtractAsync(document.Content, CancellationToken.None)).PageCount);
                    }
                    catch (TaskFailedException)
                    {
                        Interlocked.Increment(ref refused); // as the pipeline would dead-letter it
                    }
                }
            }));
            var elapsed = watch.Elapsed;
            return new Measurement(Name(processes), corpus.Count, pages, corpus.Sum(d => (long)d.Content.Length), elapsed,
                extractors.Max(e => ProcFs.PeakResidentBytes(e.ProcessId)))
            {
                CpuSeconds = new Dictionary<string, double> { [Measurement.ExtractorCpu] = extractors.Sum(e => ProcessCpu.Seconds(e.ProcessId)) - cpuBefore },
                DeadLettered = refused,
            };
        }
        finally
        {
            extractors.ForEach(e => e.Dispose());
        }
    }
}
