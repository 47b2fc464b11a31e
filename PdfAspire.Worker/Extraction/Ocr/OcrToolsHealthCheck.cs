using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PdfAspire.Worker.Configuration;

namespace PdfAspire.Worker.Extraction.Ocr;

/// <summary>
/// Whether scanned pages can be read here: pdftoppm and tesseract installed, and every OCR_LANGUAGES language's data
/// present. Degraded, not unhealthy, when they are not: text PDFs are still served, and scans fail as no_text with
/// the reason. Checked once; installing a package means a new pod (or process) anyway.
/// </summary>
public sealed class OcrToolsHealthCheck(IOptions<TextOptions> options) : IHealthCheck
{
    private readonly Lazy<HealthCheckResult> _result = new(() => Check(options.Value));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_result.Value.Status == HealthStatus.Healthy
            ? _result.Value
            : new HealthCheckResult(context.Registration.FailureStatus, _result.Value.Description));

    private static HealthCheckResult Check(TextOptions text)
    {
        if (!text.OcrEnabled)
        {
            return HealthCheckResult.Healthy("OCR is off (OCR_ENABLED=false)");
        }
        if (Output("pdftoppm", "-v") is null)
        {
            return HealthCheckResult.Degraded("pdftoppm is not installed (Debian: poppler-utils); scanned pages can't be read");
        }
        var languages = Output("tesseract", "--list-langs");
        if (languages is null)
        {
            return HealthCheckResult.Degraded("tesseract is not installed (Debian: tesseract-ocr); scanned pages can't be read");
        }
        var installed = languages.Split('\n', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var missing = text.OcrLanguages.Split('+').Where(l => !installed.Contains(l)).ToList();
        return missing.Count == 0
            ? HealthCheckResult.Healthy($"OCR ready ({text.OcrLanguages}, {text.OcrDpi} dpi)")
            : HealthCheckResult.Degraded($"no Tesseract data for {string.Join(", ", missing)} (Debian: {string.Join(" ", missing.Select(l => $"tesseract-ocr-{l.Replace('_', '-')}"))})");
    }

    /// <summary>What a command prints (both streams), or null when it can't run.</summary>
    private static string? Output(string fileName, string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(fileName, [argument]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null)
            {
                return null;
            }
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(TimeSpan.FromSeconds(10)) && process.ExitCode == 0 ? output + error.Result : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }
}
