using Microsoft.Extensions.Options;
using PdfAspire.Worker.Configuration;

namespace PdfAspire.Worker.Processing;

/// <summary>
/// Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries after an outage
/// spread out instead of arriving together, and none comes back sooner than half its step.
/// </summary>
public sealed class RetrySchedule(IOptions<ProcessingOptions> options, TimeProvider clock)
{
    public DateTimeOffset NextAttemptAt(int retryNumber)
    {
        var o = options.Value;
        var exponential = o.RetryBaseDelayMs * Math.Pow(2, Math.Clamp(retryNumber - 1, 0, 30));
        var delay = Math.Min(o.RetryMaxDelayMs, exponential);
        var jittered = (delay / 2) + (Random.Shared.NextDouble() * delay / 2);
        return clock.GetUtcNow().AddMilliseconds(jittered);
    }
}
