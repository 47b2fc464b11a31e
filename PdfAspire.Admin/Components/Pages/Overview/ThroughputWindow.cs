using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Components.Pages.Overview;

/// <summary>
/// A window of the overview's chart and what it shows: minutes grouped into as many points as fit the axis, and the
/// window's totals — tasks per minute, pages per second, and the p50 and p95 of the delivered tasks' durations
/// (from the per-minute histogram, so each is "at most" the bucket's upper bound).
/// </summary>
public sealed record ThroughputWindow(string Label, TimeSpan Span, int MinutesPerPoint)
{
    public static readonly IReadOnlyList<ThroughputWindow> All =
    [
        new("15 min", TimeSpan.FromMinutes(15), 1),
        new("1 h", TimeSpan.FromHours(1), 1),
        new("6 h", TimeSpan.FromHours(6), 5),
        new("24 h", TimeSpan.FromHours(24), 15),
    ];

    /// <summary>Each point sums <see cref="MinutesPerPoint"/> minutes; the first point is the oldest.</summary>
    public IReadOnlyList<ThroughputPoint> Group(IReadOnlyList<ThroughputPoint> minutes) =>
        [.. minutes.Chunk(MinutesPerPoint).Select(Sum)];

    public static ThroughputPoint Sum(IReadOnlyCollection<ThroughputPoint> points)
    {
        var latency = new long[ThroughputStats.LatencyBoundsMs.Length];
        foreach (var point in points)
        {
            for (var i = 0; i < latency.Length; i++)
            {
                latency[i] += point.Latency[i];
            }
        }
        var failed = points.SelectMany(p => p.FailedByCategory).GroupBy(f => f.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(f => f.Value), StringComparer.Ordinal);
        return new ThroughputPoint(points.First().Minute, points.Sum(p => p.Processed), points.Sum(p => p.Failed), points.Sum(p => p.Pages),
            latency, failed);
    }

    /// <summary>The smallest bucket bound under which <paramref name="quantile"/> of the durations fall; null with none.</summary>
    public static long? LatencyAtMost(ThroughputPoint total, double quantile)
    {
        var count = total.Latency.Sum();
        if (count == 0)
        {
            return null;
        }
        long seen = 0;
        for (var i = 0; i < total.Latency.Count; i++)
        {
            seen += total.Latency[i];
            if (seen >= quantile * count)
            {
                return ThroughputStats.LatencyBoundsMs[i];
            }
        }
        return null;
    }

    public static string Duration(long? ms) => ms switch
    {
        null => "—",
        long.MaxValue => $"> {ThroughputStats.LatencyBoundsMs[^2] / 1000} s",
        < 1000 => $"≤ {ms} ms",
        _ => $"≤ {ms / 1000.0:0.#} s",
    };
}
