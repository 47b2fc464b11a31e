using System.Diagnostics;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace PdfAspire.Benchmarks;

/// <summary>One PDF of the corpus, with its size and the page count PdfPig finds.</summary>
public sealed record CorpusDocument(string Name, byte[] Content, int Pages);

/// <summary>
/// The corpora: Debian's texlive-latex-base-doc and texlive-pictures-doc PDFs (installed by ./setup.sh --tests, never
/// committed; both install under /usr/share/doc/texlive-doc, so each is the package's own file list), any folder of
/// PDFs a user names with --corpus, and generated one-pagers.
/// </summary>
public static class BenchCorpus
{
    public const string LatexBase = "texlive-latex-base-doc";
    public const string Pictures = "texlive-pictures-doc";

    /// <summary>The small-document corpus: one page of text each, like an invoice's or a receipt's text layer.</summary>
    public const string OnePageName = "one-page PDFs";

    /// <summary>How many one-page documents the throughput rows read: enough for a steady state of a few seconds.</summary>
    public const int OnePageCount = 3000;

    /// <summary>Larger documents are left out: one would dominate a run's time.</summary>
    private const long MaxBytes = 16 << 20;

    /// <summary>The PDFs a Debian package installed; <paramref name="limit"/> takes that many spread over it (smoke mode), null all.</summary>
    public static IReadOnlyList<CorpusDocument> FromPackage(string package, int? limit)
    {
        var listing = Process.Start(new ProcessStartInfo("dpkg", ["-L", package]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var files = listing.StandardOutput.ReadToEnd().Split('\n').Where(f => f.EndsWith(".pdf", StringComparison.Ordinal) && File.Exists(f));
        listing.WaitForExit();
        if (listing.ExitCode != 0)
        {
            throw new InvalidOperationException($"{package} is not installed: run ./setup.sh --tests.");
        }
        return Load(files, limit);
    }

    /// <summary>Every PDF under <paramref name="directory"/> (--corpus DIR).</summary>
    public static IReadOnlyList<CorpusDocument> FromDirectory(string directory, int? limit = null) =>
        Directory.Exists(directory)
            ? Load(Directory.EnumerateFiles(directory, "*.pdf", SearchOption.AllDirectories), limit)
            : throw new InvalidOperationException($"--corpus {directory}: no such folder.");

    private static List<CorpusDocument> Load(IEnumerable<string> files, int? limit)
    {
        var paths = files.Where(p => new FileInfo(p).Length <= MaxBytes).Order(StringComparer.Ordinal).ToList();
        if (limit is { } n)
        {
            // Spread over the corpus rather than the first few folders.
            paths = [.. paths.Where((_, i) => i % Math.Max(1, paths.Count / n) == 0).Take(n)];
        }
        var documents = new List<CorpusDocument>();
        foreach (var path in paths)
        {
            try
            {
                documents.Add(Load(Path.GetFileName(path), File.ReadAllBytes(path)));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A user's folder may hold what PdfPig can't open; the pipeline would dead-letter it, the benchmark skips it.
                Console.WriteLine($"  skipped {path}: {e.Message}");
            }
        }
        return documents;
    }

    public static IReadOnlyList<CorpusDocument> OnePagers(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Load($"one-page-{i}.pdf", OnePage($"Benchmark page {i}: the quick brown fox.")))];

    public static CorpusDocument Load(string name, byte[] content)
    {
        using var document = PdfDocument.Open(content, Worker.Extraction.PdfExtractor.ParsingOptions);
        return new CorpusDocument(name, content, document.NumberOfPages);
    }

    private static byte[] OnePage(string text)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText(text, 12, new UglyToad.PdfPig.Core.PdfPoint(72, 720), font);
        return builder.Build();
    }
}
