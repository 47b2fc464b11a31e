using System.Globalization;
using PdfAspire.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PdfAspire.Tests.System;

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

        var length = await system.Redis.ListLeftPushAsync("queue:upload_tasks",
            $$"""{"task_id":"admin-{{Guid.NewGuid():N}}","bucket":"pdf-uploads","object_key":"missing.pdf","file_name":"missing.pdf"}""");

        await Expect(pending).ToHaveTextAsync(length.ToString("N0", CultureInfo.CurrentCulture), new() { Timeout = Browser.ExpectTimeoutMs });
        await Browser.ScreenshotAsync(page, "overview");
    }
}
