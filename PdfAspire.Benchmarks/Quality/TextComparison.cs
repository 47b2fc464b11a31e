using System.Text;
using System.Text.RegularExpressions;

namespace PdfAspire.Benchmarks.Quality;

/// <summary>How one document's delivered text compares with a reference text, word by word.</summary>
public sealed record WordAgreement(int ReferenceWords, int DeliveredWords, int Matched)
{
    public double Recall => ReferenceWords == 0 ? 1 : (double)Matched / ReferenceWords;

    public double Precision => DeliveredWords == 0 ? (ReferenceWords == 0 ? 1 : 0) : (double)Matched / DeliveredWords;
}

/// <summary>The defects in delivered text that break search and storage downstream.</summary>
public sealed record TextDefects(int Ligatures, int ControlCharacters, int ReplacementCharacters, int UncomposedAccents)
{
    public static TextDefects None { get; } = new(0, 0, 0, 0);

    public int Total => Ligatures + ControlCharacters + ReplacementCharacters + UncomposedAccents;

    public static TextDefects operator +(TextDefects a, TextDefects b) =>
        new(a.Ligatures + b.Ligatures, a.ControlCharacters + b.ControlCharacters, a.ReplacementCharacters + b.ReplacementCharacters, a.UncomposedAccents + b.UncomposedAccents);
}

/// <summary>
/// Word-level comparison of two texts after the same normalisation on both sides (NFKC, line-end hyphens joined), so
/// it measures what a search index would see, not formatting: words are runs of letters and digits, compared as
/// multisets, case kept.
/// </summary>
public static partial class TextComparison
{
    public static WordAgreement Compare(string reference, string delivered)
    {
        var expected = Words(reference);
        var actual = Words(delivered);
        var matched = 0;
        foreach (var (word, count) in actual)
        {
            matched += Math.Min(count, expected.GetValueOrDefault(word));
        }
        return new WordAgreement(expected.Values.Sum(), actual.Values.Sum(), matched);
    }

    public static Dictionary<string, int> Words(string text)
    {
        var normalized = HyphenatedLineEnd().Replace(text.Normalize(NormalizationForm.FormKC), "$1");
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match word in Word().Matches(normalized))
        {
            words[word.Value] = words.GetValueOrDefault(word.Value) + 1;
        }
        return words;
    }

    public static TextDefects Defects(string text)
    {
        int ligatures = 0, control = 0, replacement = 0, accents = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '\uFB00' and <= '\uFB06')
            {
                ligatures++;
            }
            else if (char.IsControl(c) && c is not '\n' and not '\t')
            {
                control++;
            }
            else if (c == '\uFFFD')
            {
                replacement++;
            }
            else if (IsSpacingAccent(c) && IsLetterAt(text, i + 1))
            {
                accents++;
            }
        }
        return new TextDefects(ligatures, control, replacement, accents);
    }

    /// <summary>
    /// The spacing forms of diacritics TeX and other typesetters draw as glyphs of their own. One right before a letter
    /// is an accent left beside its letter ("Kl¨uwer", "Ja´skowski"); elsewhere (a table of accents) it is meant.
    /// </summary>
    public static bool IsSpacingAccent(char c) => c is '\u00A8' or '\u00B4' or '\u00AF' or '\u00B8' or '\u02C6' or '\u02C7'
        or '\u02D8' or '\u02D9' or '\u02DA' or '\u02DB' or '\u02DC' or '\u02DD';

    private static bool IsLetterAt(string text, int i) => i >= 0 && i < text.Length && char.IsLetter(text[i]);

    [GeneratedRegex(@"(\p{L})-\r?\n\s*(?=\p{Ll})")]
    private static partial Regex HyphenatedLineEnd();

    [GeneratedRegex(@"[\p{L}\p{M}\p{N}]+")]
    private static partial Regex Word();
}
