using Google.Protobuf.WellKnownTypes;
using PdfAspire.Ingest.V1;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Extraction;

namespace PdfAspire.Worker.Processing;

/// <summary>
/// Domain results to the wire types of pdfaspire.ingest.v1, shared by SubmitResult and ProcessDocument, and to the
/// bounded summary the task's history keeps.
/// </summary>
public static class ResultMapping
{
    public static ExtractedDocument ToDocument(ProcessedDocument processed)
    {
        var pdf = processed.Pdf;
        var document = new ExtractedDocument
        {
            PageCount = pdf.PageCount,
            Sha256 = processed.Sha256,
            SizeBytes = processed.SizeBytes,
            Metadata = new DocumentMetadata
            {
                Title = pdf.Metadata.Title ?? "",
                Author = pdf.Metadata.Author ?? "",
                Subject = pdf.Metadata.Subject ?? "",
                Keywords = pdf.Metadata.Keywords ?? "",
                Creator = pdf.Metadata.Creator ?? "",
                Producer = pdf.Metadata.Producer ?? "",
                CreatedAt = pdf.Metadata.CreatedAt is { } created ? Timestamp.FromDateTimeOffset(created) : null,
                ModifiedAt = pdf.Metadata.ModifiedAt is { } modified ? Timestamp.FromDateTimeOffset(modified) : null,
                PdfVersion = pdf.Metadata.PdfVersion,
            },
        };
        document.Pages.AddRange(pdf.Pages.Select(page => new PageText
        {
            Number = page.Number,
            Status = page.Error is null ? PageStatus.Ok : PageStatus.Failed,
            Text = page.Text,
            Error = page.Error ?? "",
            Source = page.Source switch
            {
                PageSource.TextLayer => PageTextSource.TextLayer,
                PageSource.Ocr => PageTextSource.Ocr,
                _ => PageTextSource.None,
            },
            OcrConfidence = page.OcrConfidence ?? 0,
        }));
        return document;
    }

    /// <summary>What the task page shows of a delivered result: counts, failed pages, timings, hash, the first lines.</summary>
    public static TaskResult ToTaskResult(ProcessedDocument processed, TimeSpan delivery, TimeSpan duration)
    {
        var pages = processed.Pdf.Pages;
        var ocr = pages.Where(p => p.Source == PageSource.Ocr && p.OcrConfidence is not null).ToList();
        var failed = pages.Where(p => p.Error is not null).ToList();
        return new TaskResult
        {
            PageCount = processed.Pdf.PageCount,
            TextLayerPages = pages.Count(p => p.Error is null && p.Source == PageSource.TextLayer),
            OcrPages = pages.Count(p => p.Error is null && p.Source == PageSource.Ocr),
            EmptyPages = pages.Count(p => p.Error is null && p.Source == PageSource.None),
            FailedPageCount = failed.Count,
            OcrConfidence = ocr.Count == 0 ? null : Math.Round(ocr.Average(p => (double)p.OcrConfidence!.Value), 1),
            DownloadMs = (long)processed.Download.TotalMilliseconds,
            ExtractionMs = (long)processed.Extraction.TotalMilliseconds,
            DeliveryMs = (long)delivery.TotalMilliseconds,
            DurationMs = (long)duration.TotalMilliseconds,
            SizeBytes = processed.SizeBytes,
            Details = new ResultDetails
            {
                Sha256 = processed.Sha256,
                FailedPages = [.. failed.Take(ResultDetails.MaxFailedPages).Select(p => new FailedPage(p.Number, p.Error!))],
                Preview = [.. pages.Where(p => p.Error is null).Take(ResultDetails.MaxPreviewPages)
                    .Select(p => new PagePreview(p.Number, SourceName(p.Source), ResultDetails.PreviewOf(p.Text)))],
            },
        };
    }

    private static string SourceName(PageSource source) => source switch
    {
        PageSource.TextLayer => "text_layer",
        PageSource.Ocr => "ocr",
        _ => "none",
    };

    public static Timings ToTimings(ProcessedDocument processed, DateTimeOffset? submittedAt, DateTimeOffset startedAt, DateTimeOffset completedAt) => new()
    {
        SubmittedAt = submittedAt is { } submitted ? Timestamp.FromDateTimeOffset(submitted) : null,
        StartedAt = Timestamp.FromDateTimeOffset(startedAt),
        CompletedAt = Timestamp.FromDateTimeOffset(completedAt),
        Download = Duration.FromTimeSpan(processed.Download),
        Extraction = Duration.FromTimeSpan(processed.Extraction),
    };
}
