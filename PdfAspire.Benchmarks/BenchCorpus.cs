using UglyToad.PdfPig;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace PdfAspire.Benchmarks;

/// <summary>One PDF of the corpus, with its size and the page count PdfPig finds.</summary>
public sealed record CorpusDocument(string Name, byte[] Content, int Pages);

/// <summary>Debian's texlive-latex-base-doc PDFs (installed by ./setup.sh --tests, never committed), and generated one-pagers.</summary>
public static class BenchCorpus
{
    public const string TexLiveRoot = "/usr/share/doc/texlive-doc";

    /// <param name="limit">How many documents to take (smoke mode takes a few); null takes all up to 16 MiB.</param>
    public static IReadOnlyList<CorpusDocument> TexLive(int? limit)
    {
        if (!Directory.Exists(TexLiveRoot))
        {
            throw new InvalidOperationException($"{TexLiveRoot} is missing: run ./setup.sh --tests (installs texlive-latex-base-doc).");
        }
        var paths = Directory.EnumerateFiles(TexLiveRoot, "*.pdf", SearchOption.AllDirectories)
            .Where(p => new FileInfo(p).Length <= 16 << 20)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (limit is { } n)
        {
            // Spread over the corpus rather than the first few folders.
            paths = [.. paths.Where((_, i) => i % Math.Max(1, paths.Count / n) == 0).Take(n)];
        }
        return [.. paths.Select(p => Load(Path.GetFileName(p), File.ReadAllBytes(p)))];
    }

    public static IReadOnlyList<CorpusDocument> OnePagers(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Load($"one-page-{i}.pdf", OnePage($"Benchmark page {i}: the quick brown fox.")))];

    private static CorpusDocument Load(string name, byte[] content)
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
