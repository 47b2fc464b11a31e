extern alias worker;

using Microsoft.Extensions.Logging.Abstractions;
using PdfAspire.Tests.Infrastructure;
using worker::PdfAspire.Worker.Extraction;
using worker::PdfAspire.Worker.Extraction.Isolation;

namespace PdfAspire.Tests.Isolation;

/// <summary>
/// Real extractor processes asked for page ranges of a real document, as a worker splitting a long document asks
/// them: together the ranges give exactly the text of the whole, whichever process did which range.
/// </summary>
public sealed class PageRangeProtocolTests
{
    private static readonly ExtractionSettings Settings = new(MaxPages: 5000, JoinHyphenatedWords: true, Ocr: null);

    [Fact]
    public async Task RangesOverTwoExtractors_MergeIntoTheWholeDocumentsText()
    {
        var ct = TestContext.Current.CancellationToken;
        var pdf = await File.ReadAllBytesAsync(Corpus.TexLiveDocuments(maxBytes: 600_000).First(p => Corpus.PdfInfoPages(p) >= 12), ct);
        using var left = ExtractorProcess.Start(Settings, 1024L << 20, NullLogger.Instance);
        using var right = ExtractorProcess.Start(Settings, 1024L << 20, NullLogger.Instance);
        var whole = await left.ExtractAsync(pdf, ct);

        var document = ExtractorProcess.NewDocumentId();
        var (first, _) = await left.ExtractAsync(document, pdf, new PageRange(1, 3), release: false, ct);
        var (second, _) = await right.ExtractAsync(document, pdf, new PageRange(4, 7), release: false, ct);
        // Both hold the document now: these requests carry no bytes.
        var (third, _) = await left.ExtractAsync(document, pdf, new PageRange(8, whole.PageCount), release: true, ct);
        var (fourth, _) = await right.ExtractAsync(document, pdf, new PageRange(4, 5), release: false, ct);
        await right.ReleaseAsync(ct);
        var merged = ExtractedRange.Merge([third, first, second], ocrEnabled: false);

        Assert.Equal(whole.PageCount, first.PageCount);
        Assert.Equal([1, 2, 3], first.Pages.Select(p => p.Number));
        Assert.Equal(second.Pages.Take(2), fourth.Pages);
        Assert.Equal(whole.Pages, merged.Pages);
        Assert.Equal(whole.Metadata, merged.Metadata);
    }
}
