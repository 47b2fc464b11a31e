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
        await using var admin = await (await AdminSession.OpenAsync(system)).SignInAsync();
        var pending = admin.Page.GetByTestId("pending-count");
        await Expect(pending).Not.ToHaveTextAsync("…");

        // Paused, so the task stays pending long enough to be seen; the worker would otherwise take it at once.
        await system.Pipeline.PauseAllWorkersAsync(TimeSpan.FromSeconds(30));
        try
        {
            var length = await system.Redis.ListLeftPushAsync(system.Pipeline.Keys.Pending,
                $$"""{"task_id":"admin-{{Guid.NewGuid():N}}","object_key":"admin/missing.pdf"}""");

            await Expect(pending).ToHaveTextAsync(length.ToString("N0", CultureInfo.CurrentCulture));
            await Expect(admin.Page.GetByTestId("paused-banner")).ToBeVisibleAsync();
        }
        finally
        {
            await system.Pipeline.ResumeAllWorkersAsync(TimeSpan.FromSeconds(30));
        }
    }
}
