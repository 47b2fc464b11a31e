using System.Text.Json.Serialization;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What a task's history keeps of a delivered result, for the admin's task page: how the pages' text was obtained,
/// where the time went, the document's size. Stored in the task's record, a field each (from
/// <see cref="TaskRecordFields.PageCount"/> on), for as long as the history. The bulkier <see cref="Details"/> (failed pages with reasons, the first lines of the first pages) are
/// kept apart, for the most recent tasks only (<see cref="RetentionOptions.DetailsMaxTasks"/>), so what every retained
/// task costs Redis stays small; the whole text is ingest's, never a second copy in Redis.
/// </summary>
public sealed record TaskResult
{
    public required int PageCount { get; init; }
    public int TextLayerPages { get; init; }
    public int OcrPages { get; init; }

    /// <summary>Pages with neither a text layer nor a scan OCR could read (blank pages, drawings).</summary>
    public int EmptyPages { get; init; }

    public int FailedPageCount { get; init; }

    /// <summary>Tesseract's mean word confidence (0-100) over the OCRed pages.</summary>
    public double? OcrConfidence { get; init; }

    public long DownloadMs { get; init; }
    public long ExtractionMs { get; init; }
    public long DeliveryMs { get; init; }
    public long DurationMs { get; init; }
    public long SizeBytes { get; init; }

    /// <summary>The hash, the failed pages and the text preview; null once the task is older than the most recent ones that keep them.</summary>
    [JsonIgnore]
    public ResultDetails? Details { get; init; }
}

/// <summary>
/// The part of a result kept for the most recent tasks only: the document's SHA-256, the first
/// <see cref="MaxFailedPages"/> failed pages with the reason, and the first lines of the first
/// <see cref="MaxPreviewPages"/> pages as ingest received them.
/// </summary>
public sealed record ResultDetails
{
    public string? Sha256 { get; init; }

    public const int MaxPreviewPages = 10;
    public const int MaxPreviewChars = 280;
    public const int MaxPreviewLines = 3;
    public const int MaxFailedPages = 20;

    public IReadOnlyList<FailedPage> FailedPages { get; init; } = [];

    public IReadOnlyList<PagePreview> Preview { get; init; } = [];

    /// <summary>The beginning of a page's text: its first <see cref="MaxPreviewLines"/> non-empty lines, at most <see cref="MaxPreviewChars"/>.</summary>
    public static string PreviewOf(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MaxPreviewLines);
        var preview = string.Join('\n', lines);
        return preview.Length <= MaxPreviewChars ? preview : preview[..MaxPreviewChars].TrimEnd() + "…";
    }
}

public sealed record FailedPage(int Number, string Error);

/// <param name="Number">The page number, from 1.</param>
/// <param name="Source">How the page's text was obtained: text_layer, ocr or none.</param>
/// <param name="Text">Its first lines (<see cref="ResultDetails.PreviewOf"/>).</param>
public sealed record PagePreview(int Number, string Source, string Text);
