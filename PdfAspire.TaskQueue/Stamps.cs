using System.Globalization;

namespace PdfAspire.TaskQueue;

/// <summary>How times are written into Redis (round-trip ISO 8601, UTC) and read back.</summary>
public static class Stamps
{
    public static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
}
