using System.Diagnostics;
using System.Globalization;

namespace PdfAspire.Benchmarks.Quality;

/// <summary>
/// What the delivered text is measured against: poppler's pdftotext for text PDFs, and for a scan, pdftotext of the
/// page it was made from. The scanned set is made here, per run, from pages of the corpus (never committed).
/// </summary>
public static class ReferenceTexts
{
    public static async Task<IReadOnlyList<ReferencedDocument>> ForTextAsync(IReadOnlyList<CorpusDocument> corpus)
    {
        var referenced = new ReferencedDocument[corpus.Count];
        await Parallel.ForAsync(0, corpus.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, _) =>
            referenced[i] = new ReferencedDocument(corpus[i], await PdftotextAsync(corpus[i].Content)));
        return referenced;
    }

    /// <summary>
    /// One page from each of <paramref name="count"/> documents spread over the corpus (its second page, past most
    /// title pages), when pdftotext finds a page's worth of words on it; rendered in grey at <paramref name="dpi"/> and
    /// wrapped as an image-only PDF, the way a scanner makes one.
    /// </summary>
    public static async Task<IReadOnlyList<ReferencedDocument>> ForScansAsync(IReadOnlyList<CorpusDocument> corpus, int count, int dpi = 300)
    {
        var scans = new List<ReferencedDocument>();
        var step = Math.Max(1, corpus.Count / count);
        // Evenly spread first; if some of those pages are too short, the documents between them.
        var candidates = corpus.Where((_, i) => i % step == 0).Concat(corpus.Where((_, i) => i % step != 0));
        foreach (var document in candidates)
        {
            if (scans.Count == count)
            {
                break;
            }
            var page = Math.Min(2, document.Pages);
            var reference = await PdftotextAsync(document.Content, page);
            if (TextComparison.Words(reference).Values.Sum() < 150)
            {
                continue;
            }
            var scanned = ScannedPdf.From(document.Content, page, page, dpi);
            scans.Add(new ReferencedDocument(new CorpusDocument($"{document.Name} p{page} (scanned)", scanned, 1), reference));
        }
        return scans;
    }

    private static async Task<string> PdftotextAsync(byte[] pdf, int? page = null)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, pdf);
            string[] range = page is { } p ? ["-f", p.ToString(CultureInfo.InvariantCulture), "-l", p.ToString(CultureInfo.InvariantCulture)] : [];
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-q", "-enc", "UTF-8", .. range, file, "-"])
            {
                RedirectStandardOutput = true,
            })!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
