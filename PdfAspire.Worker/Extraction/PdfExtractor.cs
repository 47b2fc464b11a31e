using System.Globalization;
using System.Text;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Extraction.Ocr;
using PdfAspire.Worker.Extraction.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Exceptions;

namespace PdfAspire.Worker.Extraction;

/// <summary>
/// PdfPig with lenient parsing: the text of each page in content order. A page that fails is reported as a failed
/// page; the document fails only when it cannot be opened, is not a PDF, is encrypted, or has no readable page.
/// It runs inside an extractor process (see <see cref="Isolation.ExtractorHost"/>) unless isolation is turned off.
/// </summary>
public static class PdfExtractor
{
    /// <summary>PDF readers accept the header anywhere in the first KiB (ISO 32000-2, 7.5.2 and Acrobat's practice).</summary>
    private const int HeaderWindow = 1024;

    private const int MaxErrorLength = 300;

    /// <summary>Deeply nested objects end in an error here instead of a stack overflow that would kill the process.</summary>
    private const int MaxStackDepth = 256;

    /// <summary>The settings the benchmark's "raw PdfPig" column uses too, so the comparison is fair.</summary>
    public static ParsingOptions ParsingOptions { get; } = new()
    {
        UseLenientParsing = true,
        SkipMissingFonts = true,
        ClipPaths = false,
        MaxStackDepth = MaxStackDepth,
    };

    /// <summary>Extracts the whole of <paramref name="pdf"/> (seekable, at position 0), checking <paramref name="ct"/> between pages.</summary>
    public static ExtractedPdf Extract(Stream pdf, ExtractionSettings settings, CancellationToken ct)
    {
        using var document = Open(pdf, settings);
        return ExtractedRange.Merge([document.Extract(PageRange.All, ct)], settings.Ocr is not null);
    }

    /// <summary>
    /// Opens <paramref name="pdf"/> (seekable, at position 0, left open: the document reads it as pages are asked for).
    /// </summary>
    /// <exception cref="TaskFailedException">Not a PDF, encrypted, unreadable, or more pages than MAX_PAGES.</exception>
    public static OpenedPdf Open(Stream pdf, ExtractionSettings settings)
    {
        RequirePdfHeader(pdf);
        var document = OpenDocument(pdf);
        if (document.NumberOfPages > settings.MaxPages)
        {
            var pageCount = document.NumberOfPages;
            document.Dispose();
            throw new TaskFailedException(FailureCategory.TooLarge,
                $"document has {pageCount:N0} pages; the limit (MAX_PAGES) is {settings.MaxPages:N0}");
        }
        return new OpenedPdf(pdf, document, settings);
    }

    private static void RequirePdfHeader(Stream pdf)
    {
        if (pdf.Length == 0)
        {
            throw new TaskFailedException(FailureCategory.NotPdf, "the file is empty");
        }
        Span<byte> head = stackalloc byte[HeaderWindow];
        var read = pdf.ReadAtLeast(head, HeaderWindow, throwOnEndOfStream: false);
        pdf.Position = 0;
        if (head[..read].IndexOf("%PDF-"u8) < 0)
        {
            throw new TaskFailedException(FailureCategory.NotPdf, "the file is not a PDF (no %PDF- header)");
        }
    }

    private static PdfDocument OpenDocument(Stream pdf)
    {
        try
        {
            return PdfDocument.Open(pdf, ParsingOptions);
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new TaskFailedException(FailureCategory.Encrypted, "the document is encrypted and needs a password");
        }
        catch (Exception e) when (e is not (OutOfMemoryException or InsufficientExecutionStackException or OperationCanceledException))
        {
            throw new TaskFailedException(FailureCategory.Corrupt, $"the document cannot be opened: {Describe(e)}", e);
        }
    }

    /// <returns>The page, and whether it is a scan (read by OCR, or left without text when OCR could not read it).</returns>
    internal static (PageResult Page, bool Scanned) ExtractPage(PdfDocument document, int number, ExtractionSettings settings, ScratchFile scratch)
    {
        Page page;
        string text;
        try
        {
            page = document.GetPage(number);
            text = PageTextAssembler.Assemble(page.Letters, settings.JoinHyphenatedWords);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            return (new PageResult(number, "", Describe(e), PageSource.None), false);
        }
        if (!ScanDetector.LooksScanned(page, text))
        {
            return (new PageResult(number, text, Source: text.Length > 0 ? PageSource.TextLayer : PageSource.None), false);
        }
        if (settings.Ocr is not { } ocr)
        {
            return (new PageResult(number, text, Source: PageSource.None), true);
        }
        try
        {
            var (ocrText, confidence) = PageOcr.Read(scratch.PdfPath, number, ocr, scratch.Folder);
            var read = PageTextAssembler.FromLines(ocrText, settings.JoinHyphenatedWords);
            return read.Length > 0
                ? (new PageResult(number, read, Source: PageSource.Ocr, OcrConfidence: confidence), true)
                // Nothing to read in the image (a photo, a drawing): what little text the page has is its text.
                : (new PageResult(number, text, Source: text.Length > 0 ? PageSource.TextLayer : PageSource.None), true);
        }
        catch (OcrFailedException e)
        {
            return (new PageResult(number, text, $"OCR failed: {e.Message}", PageSource.None), true);
        }
    }

    internal static PdfMetadata ReadMetadata(PdfDocument document)
    {
        DocumentInformation info = document.Information;
        return new PdfMetadata(info.Title, info.Author, info.Subject, info.Keywords, info.Creator, info.Producer,
            SafeDate(info.GetCreatedDateTimeOffset), SafeDate(info.GetModifiedDateTimeOffset),
            document.Version.ToString("0.0", CultureInfo.InvariantCulture));
    }

    /// <summary>Dates in the information dictionary are free text in the wild; a bad one is left out, not fatal.</summary>
    private static DateTimeOffset? SafeDate(Func<DateTimeOffset?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    public static string Describe(Exception e)
    {
        var text = new StringBuilder(e.GetType().Name).Append(": ").Append(e.Message).ToString();
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }
}
