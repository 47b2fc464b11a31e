using Microsoft.Playwright;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright; no browser is ever downloaded.</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Waits the browser tests allow for a page to show what Redis holds.</summary>
    public static readonly float ExpectTimeoutMs = 30_000;

    // Without the background-networking flags Chromium keeps dialling hosts this closed network refuses.
    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing; run ./setup.sh --tests (apt-get install chromium).");
        }
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Arguments,
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Saves a screenshot into docs/screenshots, where docs/operations.md shows it: every test run regenerates the
    /// pictures of the admin from the real thing, so they can't drift from what the admin looks like.
    /// </summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(PdfAspire.Testing.LocalSystem.RepositoryRoot, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
