using System.Text.Json.Serialization;

namespace PdfAspire.Worker.Extraction;

/// <summary>What extraction yields for one PDF: per-page text in reading order, and the information dictionary.</summary>
public sealed record ExtractedPdf(int PageCount, IReadOnlyList<PageResult> Pages, PdfMetadata Metadata)
{
    [JsonIgnore]
    public int FailedPages => Pages.Count(p => p.Error is not null);

    [JsonIgnore]
    public int OcrPages => Pages.Count(p => p.Source == PageSource.Ocr);
}

/// <summary>
/// One page: its text and how it was obtained, or why it could not be read (then the rest of the document still
/// counts). <see cref="OcrConfidence"/> is Tesseract's mean word confidence (0-100) when the text came from OCR.
/// </summary>
public sealed record PageResult(int Number, string Text, string? Error = null, PageSource Source = PageSource.TextLayer, float? OcrConfidence = null);

/// <summary>Where a page's text came from.</summary>
public enum PageSource
{
    /// <summary>The PDF's own text.</summary>
    TextLayer,

    /// <summary>A scanned page, read by OCR.</summary>
    Ocr,

    /// <summary>Neither: no text layer and no scan that OCR could read (a blank page, a drawing; or OCR is off).</summary>
    None,
}

public sealed record PdfMetadata(
    string? Title, string? Author, string? Subject, string? Keywords, string? Creator, string? Producer,
    DateTimeOffset? CreatedAt, DateTimeOffset? ModifiedAt, string PdfVersion);
