using System.Diagnostics;
using System.Globalization;

namespace PdfAspire.Testing;

/// <summary>
/// Turns pages of a real PDF into a scanned one, as a scanner would: each page rendered to a grey image (poppler's
/// pdftoppm) and the images wrapped, one per page, into a PDF with no text at all (img2pdf).
/// </summary>
public static class ScannedPdf
{
    public static byte[] From(byte[] pdf, int firstPage, int lastPage, int dpi = 300)
    {
        var folder = Directory.CreateTempSubdirectory("pdfaspire-scan-").FullName;
        try
        {
            var source = Path.Combine(folder, "source.pdf");
            File.WriteAllBytes(source, pdf);
            Run("pdftoppm", ["-r", Text(dpi), "-gray", "-png", "-f", Text(firstPage), "-l", Text(lastPage), source, Path.Combine(folder, "page")]);
            var images = Directory.GetFiles(folder, "page-*.png").Order(StringComparer.Ordinal).ToList();
            var scanned = Path.Combine(folder, "scanned.pdf");
            Run("img2pdf", [.. images, "-o", scanned]);
            return File.ReadAllBytes(scanned);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Run(string tool, IEnumerable<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"{tool} did not start");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error.Result} (./setup.sh --tests installs poppler-utils and img2pdf)");
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
