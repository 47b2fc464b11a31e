using System.Text.Json.Serialization;

namespace PdfAspire.Worker.Extraction;

/// <summary>What extraction yields for one PDF: per-page text in reading order, and the information dictionary.</summary>
public sealed record ExtractedPdf(int PageCount, IReadOnlyList<PageResult> Pages, PdfMetadata Metadata)
{
    [JsonIgnore]
    public int FailedPages => Pages.Count(p => p.Error is not null);
}

/// <summary>One page: its text, or why it could not be read (then the rest of the document still counts).</summary>
public sealed record PageResult(int Number, string Text, string? Error = null);

public sealed record PdfMetadata(
    string? Title, string? Author, string? Subject, string? Keywords, string? Creator, string? Producer,
    DateTimeOffset? CreatedAt, DateTimeOffset? ModifiedAt, string PdfVersion);
