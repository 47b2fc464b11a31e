using System.Globalization;

namespace PdfAspire.TaskQueue;

/// <summary>
/// How times are written into Redis and read back. A task's record holds Unix milliseconds (9 bytes in Redis's
/// compact hash encoding, against 33 for ISO 8601); JSON (events, dead letters, the pause note) holds round-trip
/// ISO 8601, UTC. <see cref="Parse"/> reads both, so records written by earlier versions still read.
/// </summary>
public static class Stamps
{
    public static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static long Milliseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset? Parse(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at
        : null;
}
