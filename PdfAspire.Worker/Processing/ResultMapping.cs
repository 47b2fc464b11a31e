using Google.Protobuf.WellKnownTypes;
using PdfAspire.Ingest.V1;
using PdfAspire.Worker.Extraction;

namespace PdfAspire.Worker.Processing;

/// <summary>Domain results to the wire types of pdfaspire.ingest.v1, shared by SubmitResult and ProcessDocument.</summary>
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

    public static Timings ToTimings(ProcessedDocument processed, DateTimeOffset? submittedAt, DateTimeOffset startedAt, DateTimeOffset completedAt) => new()
    {
        SubmittedAt = submittedAt is { } submitted ? Timestamp.FromDateTimeOffset(submitted) : null,
        StartedAt = Timestamp.FromDateTimeOffset(startedAt),
        CompletedAt = Timestamp.FromDateTimeOffset(completedAt),
        Download = Duration.FromTimeSpan(processed.Download),
        Extraction = Duration.FromTimeSpan(processed.Extraction),
    };
}
