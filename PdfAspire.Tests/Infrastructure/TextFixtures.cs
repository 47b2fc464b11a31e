using System.Globalization;
using System.Text;
using PdfAspire.Testing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>
/// Small PDFs, generated per run, that each carry one thing that breaks text downstream when extracted naively: a
/// ligature glyph, an accent drawn as a glyph of its own beside its letter, a font that maps glyphs to control
/// characters, a word hyphenated across a line end, and a scanned page with known words.
/// </summary>
public static class TextFixtures
{
    private const string LiberationSerif = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf";

    public const string ScannedWords = "Tesseract reads this scanned page of seventeen quite ordinary words written plainly in black on white paper today";

    /// <summary>"ﬁles deﬁne ﬂexible ﬁelds", drawn with the ligature glyphs (U+FB01, U+FB02) of a TrueType font.</summary>
    public static byte[] Ligatures()
    {
        var builder = new PdfDocumentBuilder();
        var serif = builder.AddTrueTypeFont(File.ReadAllBytes(LiberationSerif));
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText("The \uFB01les de\uFB01ne \uFB02exible \uFB01elds.", 12, new PdfPoint(72, 760), serif);
        return builder.Build();
    }

    /// <summary>"Klüwer" as TeX draws it: "Kl", then a spacing diaeresis (U+00A8) over where the "u" goes, then "uwer".</summary>
    public static byte[] SpacingAccent()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var x = page.AddText("Written by Kl", 12, new PdfPoint(72, 730), font)[^1].EndBaseLine.X;
        var u = page.MeasureText("u", 12, new PdfPoint(x, 730), font)[0];
        var accent = page.MeasureText("\u00A8", 12, new PdfPoint(0, 0), font)[0];
        var accentWidth = accent.EndBaseLine.X - accent.StartBaseLine.X;
        page.AddText("\u00A8", 12, new PdfPoint(x + (u.EndBaseLine.X - u.StartBaseLine.X - accentWidth) / 2, 730), font);
        page.AddText("uwer and friends.", 12, new PdfPoint(x, 730), font);
        return builder.Build();
    }

    /// <summary>"the pipeline gen-" on one line, "erated this text." on the next.</summary>
    public static byte[] Hyphenated()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddText("the pipeline gen-", 12, new PdfPoint(72, 700), font);
        page.AddText("erated this text.", 12, new PdfPoint(72, 686), font);
        return builder.Build();
    }

    /// <summary>
    /// A font whose encoding names two glyphs /g0 and /g1, which no Unicode table knows: the PDF's codes 0 and 1
    /// come out as NUL and U+0001 in a naive extraction (pdftotext prints ^A for one of them).
    /// </summary>
    public static byte[] ControlCharacterFont()
    {
        var content = "BT /F1 12 Tf 72 720 Td (Plain words \\000\\001 then more words) Tj ET"u8.ToArray();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{Encoding.ASCII.GetString(content)}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [0 /g0 /g1] >> >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        offsets.ForEach(o => pdf.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n"));
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary><see cref="ScannedWords"/> typeset in a text PDF, then rendered and wrapped as a scan: no text layer at all.</summary>
    public static byte[] Scanned(int pages = 1)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var words = ScannedWords.Split(' ');
        for (var p = 0; p < pages; p++)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            for (var line = 0; line * 6 < words.Length; line++)
            {
                page.AddText(string.Join(' ', words.Skip(line * 6).Take(6)), 16, new PdfPoint(72, 720 - (line * 28)), font);
            }
        }
        return ScannedPdf.From(builder.Build(), 1, pages, dpi: 200);
    }
}
