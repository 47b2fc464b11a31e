using Microsoft.JSInterop;

namespace PdfAspire.Admin.Components.Time;

/// <summary>
/// The reader's time zone, asked of the browser once per circuit; until it answers (and for a zone this server does
/// not know) times show in UTC, and say so. <see cref="Changed"/> tells shown times to render again once it is known.
/// </summary>
public sealed class BrowserTime(IJSRuntime js, TimeProvider clock)
{
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public bool IsKnown { get; private set; }

    public DateTimeOffset Now => clock.GetUtcNow();

    public event Action? Changed;

    public async Task LearnAsync()
    {
        if (IsKnown)
        {
            return;
        }
        try
        {
            var id = await js.InvokeAsync<string>("pdfAspire.timeZone");
            if (!string.IsNullOrEmpty(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                Zone = zone;
            }
        }
        catch (JSException)
        {
            // An old browser without Intl: UTC it is.
        }
        IsKnown = true;
        Changed?.Invoke();
    }

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>"just now", "3 min ago", "2 h ago", "in 5 min": how far <paramref name="at"/> is from now.</summary>
    public string Relative(DateTimeOffset at)
    {
        var delta = Now - at;
        var future = delta < TimeSpan.Zero;
        var span = future ? -delta : delta;
        var amount = span.TotalSeconds < 45 ? null
            : span.TotalMinutes < 60 ? $"{Math.Max(1, (int)Math.Round(span.TotalMinutes))} min"
            : span.TotalHours < 24 ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d";
        return amount is null ? (future ? "in a moment" : "just now") : future ? $"in {amount}" : $"{amount} ago";
    }
}
