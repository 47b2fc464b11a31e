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
        // What happened to the document, as the worker recorded it with the outcome.
        await Expect(admin.Page.GetByTestId("result-sources")).ToContainTextAsync("from the text layer");
        await Expect(admin.Page.GetByTestId("result-sha256")).ToHaveTextAsync(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(pdf, TestContext.Current.CancellationToken))));
        var taskId = new Uri(admin.Page.Url).Segments[^1];
        var delivered = await system.Pipeline.ResultAsync(Uri.UnescapeDataString(taskId));
        Assert.NotNull(delivered);
        var firstWithText = delivered.PageTexts.Select((text, i) => (text, number: i + 1)).First(p => p.text.Trim().Length > 0);
        await Expect(admin.Page.GetByTestId($"preview-page-{firstWithText.number}")).ToHaveTextAsync(ResultDetails.PreviewOf(firstWithText.text));
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
            // The page's figures are up to a second old; the workers' own word in Redis is what makes the next task wait.
            await system.Pipeline.UntilWorkersReportAsync(paused: true, Patience);
            var taskId = await system.Pipeline.SubmitAsync("paused-ui", Corpus.Generated("waits for resume"));
            await admin.ScreenshotAsync("controls");
            Assert.Null(await system.Pipeline.ResultAsync(taskId));

            await admin.Page.GetByTestId("resume").ClickAsync();

            await Expect(admin.Page.GetByTestId("consumption-state")).ToContainTextAsync("Running");
            await system.Pipeline.WaitForResultsAsync([taskId], Patience);
        }
        finally
        {
            await system.Pipeline.ResumeAllWorkersAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task EditBeforeRetry_FixesAWrongKey_DeliversTheDocument_AndKeepsTheOriginal()
    {
        await using var admin = await (await AdminSession.OpenAsync(system)).SignInAsync();
        var taskId = PipelineDriver.NewTaskId("edit-ui");
        var rightKey = $"edit-ui/{taskId}/contract.pdf";
        await system.Pipeline.UploadAsync(rightKey, Corpus.Generated("the contract, found at last"));
        var wrong = $$"""{"task_id":"{{taskId}}","object_key":"edit-ui/{{taskId}}/contract.pfd","file_name":"contract.pdf"}""";
        await system.Pipeline.EnqueueRawAsync(wrong);
        Assert.Equal("object_not_found", (await system.Pipeline.WaitForDeadLetterAsync(taskId, Patience)).Category);

        await admin.GotoAsync("/failures");
        await admin.Page.GetByTestId($"edit-{taskId}").ClickAsync();
        await admin.Page.Locator("[data-testid=edit-payload] textarea, textarea[data-testid=edit-payload]").FillAsync(wrong.Replace("contract.pfd", "contract.pdf", StringComparison.Ordinal));
        await admin.ScreenshotAsync("edit-retry");
        await admin.Page.GetByTestId("edit-retry").ClickAsync();

        await Expect(admin.Page.GetByTestId("action-result")).ToContainTextAsync("Queued contract.pdf again with the edited task.");
        await system.Pipeline.WaitForResultsAsync([taskId], Patience);
        var stored = await system.Pipeline.ResultAsync(taskId);
        Assert.Contains("the contract, found at last", string.Join('\n', stored!.PageTexts), StringComparison.Ordinal);
        await admin.GotoAsync($"/tasks/{taskId}");
        await Expect(admin.Page.GetByTestId("original-payload")).ToHaveTextAsync(wrong);
    }

    [Fact]
    public async Task TheOverview_MovesAsWorkHappens_AndShowsTimesInTheReadersZone()
    {
        await using var admin = await (await AdminSession.OpenAsync(system, timeZone: "Asia/Tokyo")).SignInAsync();
        await admin.GotoAsync("/");
        var totals = admin.Page.GetByTestId("throughput-totals");
        await Expect(totals).ToContainTextAsync("processed");
        var before = await totals.TextContentAsync();

        var taskId = await system.Pipeline.SubmitAsync("live-ui", Corpus.Generated("counted live"));
        await system.Pipeline.WaitForResultsAsync([taskId], Patience);

        // No reload: the circuit pushes the new counts.
        await Expect(totals).Not.ToHaveTextAsync(before ?? "");
        await admin.Page.GetByText("24 h", new() { Exact = true }).ClickAsync();
        await Expect(totals).ToContainTextAsync("last 24 h");
        await system.Pipeline.Administration.PauseAsync("night-shift");
        try
        {
            var pausedAt = admin.Page.GetByTestId("paused-banner").Locator("time");
            await Expect(pausedAt).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(" UTC$"));
            var utc = DateTimeOffset.Parse(await pausedAt.GetAttributeAsync("datetime") ?? "", System.Globalization.CultureInfo.InvariantCulture);
            await Expect(pausedAt).ToContainTextAsync(utc.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
            await Expect(pausedAt).ToContainTextAsync(new System.Text.RegularExpressions.Regex("just now|min ago"));
            await admin.ScreenshotAsync("overview");
        }
        finally
        {
            await system.Pipeline.ResumeAllWorkersAsync(TimeSpan.FromSeconds(30));
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
