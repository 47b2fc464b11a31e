using PdfAspire.Worker.Extraction.Ocr;
using UglyToad.PdfPig;

namespace PdfAspire.Worker.Extraction;

/// <summary>
/// A document PdfPig has opened, whose pages can be read a range at a time: an extractor keeps it open between the
/// ranges of one document it is given, so a large document is parsed once per extractor, not once per range.
/// </summary>
public sealed class OpenedPdf : IDisposable
{
    private readonly PdfDocument _document;
    private readonly ScratchFile _scratch;
    private readonly ExtractionSettings _settings;
    private PdfMetadata? _metadata;

    internal OpenedPdf(Stream pdf, PdfDocument document, ExtractionSettings settings)
    {
        (_document, _settings) = (document, settings);
        _scratch = new ScratchFile(pdf);
        PageCount = document.NumberOfPages;
    }

    public int PageCount { get; }

    /// <summary>The pages of <paramref name="range"/> that the document has, checking <paramref name="ct"/> between pages.</summary>
    public ExtractedRange Extract(PageRange range, CancellationToken ct)
    {
        var last = Math.Min(range.Last, PageCount);
        var pages = new List<PageResult>(Math.Max(0, last - range.First + 1));
        var scans = 0;
        for (var number = range.First; number <= last; number++)
        {
            ct.ThrowIfCancellationRequested();
            var (page, scanned) = PdfExtractor.ExtractPage(_document, number, _settings, _scratch);
            pages.Add(page);
            scans += scanned ? 1 : 0;
        }
        _metadata ??= PdfExtractor.ReadMetadata(_document);
        return new ExtractedRange(PageCount, pages, scans, _metadata);
    }

    public void Dispose()
    {
        _scratch.Dispose();
        _document.Dispose();
    }
}
