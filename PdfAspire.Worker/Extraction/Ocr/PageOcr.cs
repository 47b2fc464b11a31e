using System.Globalization;

namespace PdfAspire.Worker.Extraction.Ocr;

/// <summary>
/// Reads one scanned page: poppler's pdftoppm renders it in grey at the configured resolution, Tesseract reads the
/// image. Tesseract runs with one thread (OMP_THREAD_LIMIT=1): with its default OpenMP threads one page took about ten
/// times as long on a 2-core machine, and the worker already runs one extractor per core.
/// </summary>
public static class PageOcr
{
    private static readonly Dictionary<string, string> SingleThreaded = new() { ["OMP_THREAD_LIMIT"] = "1" };

    /// <returns>The page's text as Tesseract lays it out, and its mean word confidence (0-100; null when it found no word).</returns>
    public static (string Text, float? Confidence) Read(string pdfPath, int pageNumber, OcrSettings settings, string workDirectory)
    {
        var page = pageNumber.ToString(CultureInfo.InvariantCulture);
        var image = Path.Combine(workDirectory, $"page-{page}");
        var output = Path.Combine(workDirectory, $"ocr-{page}");
        try
        {
            ExternalTool.Run("pdftoppm", ["-r", settings.Dpi.ToString(CultureInfo.InvariantCulture), "-gray", "-png",
                "-f", page, "-l", page, "-singlefile", pdfPath, image]);
            ExternalTool.Run("tesseract", [image + ".png", output, "-l", settings.Languages, "--psm", "3", "txt", "tsv"], SingleThreaded);
            return (File.ReadAllText(output + ".txt"), MeanConfidence(File.ReadLines(output + ".tsv")));
        }
        finally
        {
            foreach (var file in Directory.EnumerateFiles(workDirectory, $"*-{page}.*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Tesseract's TSV: one row per layout element; rows of level 5 are words, with a confidence of 0-100.</summary>
    private static float? MeanConfidence(IEnumerable<string> tsv)
    {
        var confidences = tsv.Skip(1)
            .Select(row => row.Split('\t'))
            .Where(cells => cells.Length >= 12 && cells[0] == "5" && cells[11].Trim().Length > 0)
            .Select(cells => float.Parse(cells[10], CultureInfo.InvariantCulture))
            .Where(confidence => confidence >= 0)
            .ToList();
        return confidences.Count == 0 ? null : (float)Math.Round(confidences.Average(), 1);
    }
}
