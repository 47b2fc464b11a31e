using Microsoft.Extensions.Options;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Storage;

namespace PdfAspire.Worker.Extraction;

/// <summary>
/// PdfPig on the worker's own thread pool (EXTRACTION_ISOLATION=none): no process boundary to cross, but a stack
/// overflow ends the worker, and a page that never finishes keeps its thread after the deadline has failed the task.
/// </summary>
public sealed class InProcessExtractor(IOptions<ProcessingOptions> options, IOptions<TextOptions> text) : IDocumentExtractor
{
    private readonly ExtractionSettings _settings = new(options.Value.MaxPages, text.Value.JoinHyphenatedWords, text.Value.Ocr);

    /// <summary>Every document runs at once, on the thread pool: there is no extractor to wait for.</summary>
    public Task<ExtractedPdf> ExtractAsync(DownloadedDocument document, DocumentDeadline deadline, bool firstLane)
    {
        var ct = deadline.Token;
        // PdfPig checks the token only between pages; WaitAsync lets the deadline win even when one page never ends.
        return Task.Run(() => PdfExtractor.Extract(document.OpenRead(), _settings, ct), ct).WaitAsync(ct);
    }

    /// <summary>Everything runs in the worker's own process, which its own metrics already count.</summary>
    public ExtractorUsage CurrentUsage() => default;
}
