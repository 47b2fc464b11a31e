using System.Globalization;
using PdfAspire.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PdfAspire.Tests.Composition;

[Collection(SystemUnderTest.Name)]
public sealed class AdminPageTests(AppHostFixture system)
{
    [Fact]
    public async Task Overview_ShowsThePendingQueueLength_AfterATaskIsPushed()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync(system.Endpoint("pdf-admin", "http").ToString());
        var pending = page.GetByTestId("pending-count");
        await Expect(pending).Not.ToHaveTextAsync("…", new() { Timeout = Browser.ExpectTimeoutMs });

        // Paused, so the task stays pending long enough to be seen; the worker would otherwise take it at once.
        await system.Pipeline.PauseAllWorkersAsync(TimeSpan.FromSeconds(30));
        try
        {
            var length = await system.Redis.ListLeftPushAsync(system.Pipeline.Keys.Pending,
                $$"""{"task_id":"admin-{{Guid.NewGuid():N}}","object_key":"admin/missing.pdf"}""");

            await Expect(pending).ToHaveTextAsync(length.ToString("N0", CultureInfo.CurrentCulture), new() { Timeout = Browser.ExpectTimeoutMs });
            await Browser.ScreenshotAsync(page, "overview");
        }
        finally
        {
            await system.Pipeline.Administration.ResumeAsync();
        }
    }
}
