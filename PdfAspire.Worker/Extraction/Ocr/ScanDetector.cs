using UglyToad.PdfPig.Content;

namespace PdfAspire.Worker.Extraction.Ocr;

/// <summary>
/// A scanned page: next to no text of its own, and an image over most of it. A page that has a text layer (an
/// OCRed scan included) is read as it is; a blank page or a drawing is no scan.
/// </summary>
public static class ScanDetector
{
    /// <summary>A stray page number or stamp drawn as text over a scan doesn't make it a text page.</summary>
    private const int UsableCharacters = 10;

    private const double CoveredShare = 0.8;

    public static bool LooksScanned(Page page, string text)
    {
        if (text.Count(char.IsLetterOrDigit) >= UsableCharacters)
        {
            return false;
        }
        var (width, height) = (page.Width, page.Height);
        if (width <= 0 || height <= 0)
        {
            return false;
        }
        var covered = 0.0;
        foreach (var image in page.GetImages())
        {
            var bounds = image.BoundingBox;
            var overlapWidth = Math.Min(bounds.Right, width) - Math.Max(bounds.Left, 0);
            var overlapHeight = Math.Min(bounds.Top, height) - Math.Max(bounds.Bottom, 0);
            covered += Math.Max(0, overlapWidth) * Math.Max(0, overlapHeight);
        }
        return covered >= CoveredShare * width * height;
    }
}
