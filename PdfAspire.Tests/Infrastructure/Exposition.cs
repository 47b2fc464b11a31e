using System.Globalization;
using System.Text.RegularExpressions;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>Reads samples from a Prometheus text exposition.</summary>
public static partial class Exposition
{
    /// <summary>Sums the samples of <paramref name="name"/> whose labels contain <paramref name="labels"/>.</summary>
    public static double Value(string exposition, string name, string labels = "") =>
        Sample().Matches(exposition)
            .Where(m => m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains(labels, StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
