using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Extraction;

/// <summary>
/// What one extraction of a page range yields: its pages, how many of them are scans, and what every range knows of
/// the whole document (its page count and information dictionary), so any range's reply can start the merge.
/// </summary>
public sealed record ExtractedRange(int PageCount, IReadOnlyList<PageResult> Pages, int ScannedPages, PdfMetadata Metadata)
{
    /// <summary>
    /// The document from all its ranges, pages in order; it fails as a whole only when no page has text because every
    /// page is a scan that could not be read, or when no page could be read at all.
    /// </summary>
    /// <param name="ranges">Every range of the document, in any order; the first is any one of them.</param>
    /// <param name="ocrEnabled">Whether scanned pages were read by OCR (it names the reason when they were not).</param>
    public static ExtractedPdf Merge(IReadOnlyList<ExtractedRange> ranges, bool ocrEnabled)
    {
        var first = ranges[0];
        var pages = ranges.Count == 1 ? first.Pages : ranges.SelectMany(r => r.Pages).OrderBy(p => p.Number).ToList();
        var scans = ranges.Sum(r => r.ScannedPages);
        if (scans > 0 && pages.All(p => p.Text.Length == 0))
        {
            var why = !ocrEnabled ? "OCR is off (OCR_ENABLED)" : pages.FirstOrDefault(p => p.Error is not null)?.Error ?? "OCR found no text";
            throw new TaskFailedException(FailureCategory.NoText, $"no page has text: {scans} of {first.PageCount} are scanned images, and {why}");
        }
        if (first.PageCount == 0 || pages.All(p => p.Error is not null))
        {
            var reason = (pages.Count > 0 ? pages[0].Error : null) ?? "the document has no pages";
            throw new TaskFailedException(FailureCategory.Corrupt, $"no page could be read: {reason}");
        }
        return new ExtractedPdf(first.PageCount, pages, first.Metadata);
    }
}
