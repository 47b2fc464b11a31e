using System.Globalization;
using System.Text;

namespace PdfAspire.Benchmarks.Quality;

/// <summary>The quality run as Markdown, with the issue's targets evaluated (reported, never asserted).</summary>
public static class QualityReport
{
    private const double WordTarget = 0.99;
    private const double OcrRecallTarget = 0.95;

    public static string Markdown(IReadOnlyList<QualityResult> text, QualityResult? scans, string environment)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Text quality, measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {environment}.");
        md.AppendLine("Word recall and precision of the text ingest stored, against the reference, per document, after the same");
        md.AppendLine("normalisation on both sides (NFKC, line-end hyphens joined; words are runs of letters and digits).");
        md.AppendLine();
        md.AppendLine("| corpus | docs | pages | delivered | pages read by OCR | seconds | median recall | median precision | recall, 10th percentile | ligatures | control chars | U+FFFD | uncomposed accents |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in scans is null ? text : [.. text, scans])
        {
            var d = r.Defects;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Documents.Count} | {r.Pages} | {r.Delivered.Count} | {r.OcrPages} | {r.Elapsed.TotalSeconds:0.0} | {r.MedianRecall:0.0000} | {r.MedianPrecision:0.0000} | {r.TenthPercentileRecall:0.000} | {d.Ligatures} | {d.ControlCharacters} | {d.ReplacementCharacters} | {d.UncomposedAccents} |");
        }
        md.AppendLine();
        foreach (var r in text)
        {
            var failed = r.Documents.Where(d => d.Failure is not null).GroupBy(d => d.Failure)
                .Select(g => $"{g.Count()} {g.Key} ({string.Join(", ", g.Take(5).Select(d => d.Name))})");
            var lowest = string.Join(", ", r.Delivered.OrderBy(d => d.Words.Recall).Take(5).Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Name} {d.Words.Recall:0.000}")));
            md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Name}: not delivered: {(r.Documents.Count == r.Delivered.Count ? "none" : string.Join(", ", failed))}; lowest recall: {lowest}");
        }
        if (scans is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"- OCR: {scans.OcrPages} of {scans.Pages} scanned pages read by OCR, mean confidence {scans.MeanOcrConfidence:0.0}; {scans.Pages / scans.Elapsed.TotalSeconds:0.00} pages/s on {Environment.ProcessorCount} cores = **{scans.Pages / scans.Elapsed.TotalSeconds / Environment.ProcessorCount:0.00} pages/s per core**.");
        }
        md.AppendLine();
        md.AppendLine("Targets:");
        var first = text[0];
        md.AppendLine(Verdict($"median word recall and precision ≥ {WordTarget} on {first.Name}", first.MedianRecall >= WordTarget && first.MedianPrecision >= WordTarget,
            $"{first.MedianRecall:0.0000} / {first.MedianPrecision:0.0000}"));
        foreach (var r in text)
        {
            var d = r.Defects;
            md.AppendLine(Verdict($"no ligature code point, control character or uncomposed accent in {r.Name}", d.Ligatures + d.ControlCharacters + d.UncomposedAccents == 0,
                $"{d.Ligatures} ligatures, {d.ControlCharacters} control characters, {d.UncomposedAccents} accents before a letter"));
        }
        if (scans is not null)
        {
            md.AppendLine(Verdict($"OCR median word recall ≥ {OcrRecallTarget} on the scanned set", scans.MedianRecall >= OcrRecallTarget, $"{scans.MedianRecall:0.000}"));
        }
        return md.ToString();
    }

    private static string Verdict(string target, bool met, string measured) => $"- {(met ? "met" : "MISSED")}: {target} (measured {measured})";
}
