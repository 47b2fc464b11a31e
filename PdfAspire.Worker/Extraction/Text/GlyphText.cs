using System.Text;

namespace PdfAspire.Worker.Extraction.Text;

/// <summary>
/// What one glyph's Unicode value becomes in delivered text: ligatures spelt out (a search for "fitch" must find
/// "ﬁtch"), control characters dropped (PostgreSQL rejects NUL; they come from fonts without a Unicode mapping, where
/// pdftotext has them too), tabs and form feeds as spaces, and spacing accents recognised so they can be put on their letter.
/// </summary>
public static class GlyphText
{
    /// <summary>The text of a glyph as it should be read; empty when nothing of it should.</summary>
    public static string Clean(string value)
    {
        if (value.Length == 1 && IsPlain(value[0]))
        {
            return value;
        }
        var text = new StringBuilder(value.Length + 2);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\t' or '\v' or '\f' or '\n' or '\r':
                    text.Append(' ');
                    break;
                case >= '\uFB00' and <= '\uFB06':
                    text.Append(Ligatures[c - '\uFB00']);
                    break;
                case '\uFFFD':
                    // The PDF gave no mapping for this glyph: nothing to say about it, and U+FFFD would only say so.
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>The combining mark a spacing accent stands for, when <paramref name="value"/> is one accent glyph.</summary>
    public static char? CombiningMark(string value) => value.Length != 1 ? null : value[0] switch
    {
        '\u00A8' => '\u0308', // diaeresis
        '\u00B4' or '\u02CA' => '\u0301', // acute
        '`' or '\u02CB' => '\u0300', // grave
        '\u02C6' or '^' => '\u0302', // circumflex
        '\u02DC' or '~' => '\u0303', // tilde
        '\u00AF' or '\u02C9' => '\u0304', // macron
        '\u02D8' => '\u0306', // breve
        '\u02D9' => '\u0307', // dot above
        '\u02DA' => '\u030A', // ring above
        '\u02DD' => '\u030B', // double acute
        '\u02C7' => '\u030C', // caron
        '\u00B8' => '\u0327', // cedilla
        '\u02DB' => '\u0328', // ogonek
        _ => null,
    };

    /// <summary>ASCII look-alikes (` ^ ~) are accents only when drawn over a letter; in code samples they stand beside it.</summary>
    public static bool IsAsciiAccent(string value) => value is "`" or "^" or "~";

    private static bool IsPlain(char c) => c >= ' ' && c < '\u007F' || c > '\u009F' && c is < '\uFB00' or > '\uFB06' and not '\uFFFD';

    private static readonly string[] Ligatures = ["ff", "fi", "fl", "ffi", "ffl", "st", "st"];
}
