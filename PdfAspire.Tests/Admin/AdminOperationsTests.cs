using Microsoft.Playwright;
using PdfAspire.TaskQueue;
using PdfAspire.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PdfAspire.Tests.Admin;

/// <summary>An operator runs PdfAspire through the dashboard: uploads, failures and their retry, pause and resume.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class AdminOperationsTests(AppHostFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Upload_QueuesARealPdf_ThatIsProcessed_AndRefusesANonPdf()
    {
        await using var admin = await (await AdminSession.OpenAsync(system)).SignInAsync();
        var pdf = Corpus.TexLiveDocuments(maxBytes: 200_000)[5];
        var notPdf = Path.Combine(Directory.CreateTempSubdirectory("pdfaspire-upload-").FullName, "notes.txt");
        await File.WriteAllTextAsync(notPdf, "just some notes", TestContext.Current.CancellationToken);

        await admin.GotoAsync("/upload");
        await admin.Page.GetByTestId("upload-ready").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await admin.Page.Locator("input[type=file]").SetInputFilesAsync([pdf, notPdf]);

        await Expect(admin.Page.GetByTestId("upload-queued")).ToBeVisibleAsync();
        await Expect(admin.Page.GetByTestId("upload-refused")).ToContainTextAsync("notes.txt is not a PDF");
        await admin.ScreenshotAsync("upload");
        await admin.Page.GetByTestId("upload-queued").ClickAsync();
        await ReloadUntilAsync(admin.Page, "task-status", TaskStatuses.Done);
        await Expect(admin.Page.GetByTestId("task-pages")).ToContainTextAsync(Corpus.PdfInfoPages(pdf).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(admin.Page.GetByTestId("task-timeline")).ToContainTextAsync("succeeded");
        await admin.ScreenshotAsync("task");
        await admin.GotoAsync($"/tasks?q={Uri.EscapeDataString(Path.GetFileName(pdf)[..4])}");
        await Expect(admin.Page.GetByTestId("task-results")).ToContainTextAsync(Path.GetFileName(pdf));
        await admin.ScreenshotAsync("tasks");
    }

    [Fact]
    public async Task IngestOutage_ShowsInFailures_AndRetryingTheCategory_DeliversIt()
    {
        await using var admin = await (await AdminSession.OpenAsync(system)).SignInAsync();
        await system.Pipeline.SetIngestFaultsAsync(failureRate: 1, latencyMs: 0);
        string taskId;
        try
        {
            taskId = await system.Pipeline.SubmitAsync("outage-ui", Corpus.Generated("delivered after a retry"), "outage.pdf");
            var letter = await system.Pipeline.WaitForDeadLetterAsync(taskId, Patience);
            Assert.Equal("ingest_unavailable", letter.Category);
        }
        finally
        {
            await system.Pipeline.SetIngestFaultsAsync(0, 0);
        }

        await admin.GotoAsync("/failures");
        await admin.Page.GetByTestId("category-ingest_unavailable").ClickAsync();
        await Expect(admin.Page.GetByTestId("dead-letters")).ToContainTextAsync("outage.pdf");
        await admin.ScreenshotAsync("failures");
        await admin.Page.GetByTestId("retry-shown").ClickAsync();
        await admin.Page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(admin.Page.GetByTestId("action-result")).ToContainTextAsync("Queued");
        var results = await system.Pipeline.WaitForResultsAsync([taskId], Patience);
        Assert.Equal(1, results[taskId].Deliveries);
        Assert.Null(await system.Pipeline.DeadLetterAsync(taskId));
    }

    [Fact]
    public async Task PauseAndResume_StopAndRestartEveryWorker()
    {
        await using var admin = await (await AdminSession.OpenAsync(system)).SignInAsync();
        await admin.GotoAsync("/controls");
        try
        {
            await admin.Page.GetByTestId("pause").ClickAsync();
            await Expect(admin.Page.GetByTestId("consumption-state")).ToContainTextAsync("Paused");
            await Expect(admin.Page.GetByTestId("paused-workers")).ToContainTextAsync("1 of 1 workers report paused");
            var taskId = await system.Pipeline.SubmitAsync("paused-ui", Corpus.Generated("waits for resume"));
            await admin.ScreenshotAsync("controls");
            Assert.Null(await system.Pipeline.ResultAsync(taskId));

            await admin.Page.GetByTestId("resume").ClickAsync();

            await Expect(admin.Page.GetByTestId("consumption-state")).ToContainTextAsync("Running");
            await system.Pipeline.WaitForResultsAsync([taskId], Patience);
        }
        finally
        {
            await system.Pipeline.Administration.ResumeAsync();
        }
    }

    /// <summary>The task page shows a snapshot; reload until the worker has moved the task on.</summary>
    private static async Task ReloadUntilAsync(IPage page, string testId, string text) =>
        await Eventually.TrueAsync(async () =>
        {
            await page.ReloadAsync();
            await page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            var locator = page.GetByTestId(testId);
            return await locator.CountAsync() > 0 && (await locator.InnerTextAsync()).Contains(text, StringComparison.Ordinal);
        }, Patience, $"{testId} to show {text}");
}
