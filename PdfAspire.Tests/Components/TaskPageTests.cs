using Bunit;
using PdfAspire.Admin.Components.Pages.Tasks;
using PdfAspire.Admin.Security;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using TaskPage = PdfAspire.Admin.Components.Pages.Tasks.TaskHistory;

namespace PdfAspire.Tests.Components;

/// <summary>
/// What happened to a document, and finding it: the task page over what the queue's acknowledgement wrote, and the
/// task search by metadata and by time range. (The browser test takes a real PDF through the real worker.)
/// </summary>
public sealed class TaskPageTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task TheTaskPage_ShowsTheResult_PagesBySource_FailedPages_Timings_HashAndTheFirstLines()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        var taskId = $"result-{Guid.NewGuid():N}";
        await context.CompleteTaskAsync($$$"""{"task_id":"{{{taskId}}}","object_key":"a/scan.pdf","metadata":{"tenant":"acme"}}""", new TaskResult
        {
            PageCount = 4,
            TextLayerPages = 2,
            OcrPages = 1,
            FailedPageCount = 1,
            OcrConfidence = 91.5,
            DownloadMs = 12,
            ExtractionMs = 1_840,
            DeliveryMs = 3,
            DurationMs = 1_862,
            SizeBytes = 345_678,
            Details = new ResultDetails
            {
                Sha256 = new string('a', 64),
                FailedPages = [new FailedPage(4, "the page's content stream is damaged")],
                Preview = [new PagePreview(1, "text_layer", "Quarterly report\nAcme Corp."), new PagePreview(3, "ocr", "Scanned appendix")],
            },
        });

        var page = context.Render<TaskPage>(p => p.Add(c => c.TaskId, taskId));

        page.WaitForAssertion(() => Assert.Contains("2 from the text layer, 1 by OCR, 0 without text, 1 failed", page.Find("[data-testid=result-sources]").TextContent, StringComparison.Ordinal));
        Assert.Contains("download 12 ms, extraction 1.8 s, delivery 3 ms", page.Find("[data-testid=result-timings]").TextContent, StringComparison.Ordinal);
        Assert.Equal(new string('a', 64), page.Find("[data-testid=result-sha256]").TextContent);
        Assert.Contains("page 4", page.Find("[data-testid=result-failed-pages]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Quarterly report\nAcme Corp.", page.Find("[data-testid=preview-page-1]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Scanned appendix", page.Find("[data-testid=preview-page-3]").TextContent, StringComparison.Ordinal);
        Assert.Equal("acme", page.Find("[data-testid=task-metadata-tenant]").TextContent);
        Assert.Contains("done", page.Find("[data-testid=task-status]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void APreview_IsTheFirstLines_AndBounded()
    {
        Assert.Equal("one\ntwo\nthree", ResultDetails.PreviewOf("\n one \n\ntwo\nthree\nfour"));
        var long_ = ResultDetails.PreviewOf(new string('x', 1000));
        Assert.Equal(ResultDetails.MaxPreviewChars + 1, long_.Length);
        Assert.EndsWith("…", long_, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchingByMetadata_AndByTimeRange_FindsTheTasksThatMatch()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        var tenant = $"t{Guid.NewGuid():N}"[..12];
        await context.CompleteTaskAsync($$$"""{"task_id":"{{{tenant}}}-1","object_key":"a.pdf","metadata":{"tenant":"{{{tenant}}}","source":"scanner"}}""", new TaskResult { PageCount = 1 });
        await context.CompleteTaskAsync($$$"""{"task_id":"{{{tenant}}}-2","object_key":"b.pdf","metadata":{"tenant":"other"}}""", new TaskResult { PageCount = 1 });
        var insights = QueueParts.Insights(redis.Connection, context.Lanes);

        var byTenant = await insights.SearchAsync(new TaskQuery($"tenant={tenant}"));
        Assert.Equal([$"{tenant}-1"], byTenant.Select(t => t.TaskId));
        Assert.Equal([$"{tenant}-1"], (await insights.SearchAsync(new TaskQuery($"TENANT={tenant.ToUpperInvariant()[..6]}"))).Select(t => t.TaskId));
        Assert.Empty(await insights.SearchAsync(new TaskQuery($"tenant={tenant}", From: DateTimeOffset.UtcNow.AddMinutes(5))));
        Assert.Equal(2, (await insights.SearchAsync(new TaskQuery("", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)))).Count);
        Assert.Empty(await insights.SearchAsync(new TaskQuery("", DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddDays(-2))));

        var page = context.Render<Tasks>();
        await page.InputAsync("[data-testid=task-search] input, input[data-testid=task-search]", $"source=scan");
        // Until the search runs, the page lists the recent tasks (both): wait for the list the search gives.
        page.WaitForAssertion(() =>
        {
            Assert.Contains($"{tenant}-1", page.Find("[data-testid=task-results]").TextContent, StringComparison.Ordinal);
            Assert.DoesNotContain($"{tenant}-2", page.Find("[data-testid=task-results]").TextContent, StringComparison.Ordinal);
        });
    }
}
