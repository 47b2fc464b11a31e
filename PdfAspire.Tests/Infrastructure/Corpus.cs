using System.Diagnostics;
using System.Globalization;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>Real PDFs from Debian's texlive-latex-base-doc (installed by ./setup.sh --tests), and generated ones.</summary>
public static class Corpus
{
    public const string Root = "/usr/share/doc/texlive-doc";

    /// <summary>Real documents up to <paramref name="maxBytes"/>, in a stable order.</summary>
    public static IReadOnlyList<string> TexLiveDocuments(long maxBytes)
    {
        if (!Directory.Exists(Root))
        {
            throw new InvalidOperationException($"{Root} is missing; run ./setup.sh --tests (apt-get install texlive-latex-base-doc).");
        }
        return [.. Directory.EnumerateFiles(Root, "*.pdf", SearchOption.AllDirectories)
            .Where(path => new FileInfo(path).Length <= maxBytes)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The page count poppler's pdfinfo reports: an independent reference for what PdfPig finds.</summary>
    public static int PdfInfoPages(string path)
    {
        var start = new ProcessStartInfo("pdfinfo", [path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        return int.Parse(line["Pages:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>A small real PDF with the given text on each page.</summary>
    public static byte[] Generated(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            page.AddText(text, 12, new UglyToad.PdfPig.Core.PdfPoint(72, 720), font);
        }
        return builder.Build();
    }

    /// <summary>Runs qpdf, for encrypted and damaged variants of real documents.</summary>
    public static byte[] Qpdf(byte[] input, params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("pdfaspire-qpdf-").FullName;
        try
        {
            var source = Path.Combine(folder, "in.pdf");
            var target = Path.Combine(folder, "out.pdf");
            File.WriteAllBytes(source, input);
            var start = new ProcessStartInfo("qpdf", [.. args, source, target]) { RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode is 0 or 3, $"qpdf failed: {error}");
            return File.ReadAllBytes(target);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
