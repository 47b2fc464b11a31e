using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using PdfAspire.Admin.Components.Pages.Failures;
using PdfAspire.Admin.Components.Pages.Overview;
using PdfAspire.Admin.Components.Pages.Upload;
using PdfAspire.Admin.Queue;
using PdfAspire.Admin.Security;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace PdfAspire.Tests.Components;

/// <summary>The admin with two lanes: the overview counts each, a dead letter can be retried into the other, an upload goes where the operator says.</summary>
public sealed class LanePagesTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Overview_CountsEachLane_HighestPriorityFirst()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator, interactiveLane: true);
        await context.Redis.ListLeftPushAsync(context.InteractiveLane, ["{}", "{}", "{}"]);
        await context.AddDeadLetterAsync("corrupt", "broken.pdf");
        var monitor = context.Services.GetRequiredService<QueueMonitor>();
        await monitor.StartAsync(Xunit.TestContext.Current.CancellationToken);

        var page = context.Render<Overview>();

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("[data-testid=lane-row]").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
            Assert.Equal(2, rows.Count);
            Assert.Equal([context.InteractiveLane, "3", "0", "0", "0", ""], rows[0]);
            Assert.Equal([context.Keys.Pending, "0", "0", "0", "1", ""], rows[1]);
        });
        await monitor.StopAsync(Xunit.TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ADeadLetter_RetriedIntoTheOtherLane_IsQueuedThereOnce_AndLeavesItsOwn()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator, interactiveLane: true);
        var letter = await context.AddDeadLetterAsync("ingest_unavailable", "urgent.pdf", "urgent-task",
            $$"""{"task_id":"urgent-task","bucket":"{{AdminComponentContext.Bucket}}","object_key":"urgent.pdf"}""", DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();
        await page.ClickAsync($"[data-testid='retry-into-{context.InteractiveLane}']");

        // The grid reads its page from the server once it is shown (ClickAsync waits for the button).
        await page.ClickAsync("[data-testid=retry-urgent-task]");

        page.WaitForAssertion(() => Assert.Contains("Queued urgent.pdf again.", page.Find("[data-testid=action-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal([letter.Payload], (await context.Redis.ListRangeAsync(context.InteractiveLane)).Select(v => (string)v!));
        Assert.Equal(0, await context.Redis.ListLengthAsync(context.Keys.Pending));
        Assert.Equal(0, await context.Redis.HashLengthAsync(context.Keys.Dead));
        var task = await QueueParts.Insights(context.Services.GetRequiredService<IConnectionMultiplexer>(), context.Lanes).TaskAsync("urgent-task");
        Assert.Equal(context.InteractiveLane, task!.Lane);
        // Retried again (a double click): the letter is gone, nothing more is queued.
        Assert.False(await context.Administration.RetryDeadLetterAsync("urgent-task", "operator", context.InteractiveLane));
        Assert.Equal(1, await context.Redis.ListLengthAsync(context.InteractiveLane));
    }

    [Fact]
    public async Task AnUpload_GoesIntoTheLaneTheOperatorChose()
    {
        await using var system = await LocalSystem.StartAsync();
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator, interactiveLane: true, s3: system.S3);
        var page = context.Render<Upload>();
        await page.ClickAsync($"[data-testid='upload-lane-{context.InteractiveLane}']");

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(Encoding.ASCII.GetBytes("%PDF-1.7\n%%EOF\n"), "urgent.pdf"));

        page.WaitForElement("[data-testid=upload-queued]");
        var queued = Assert.Single(await context.Redis.ListRangeAsync(context.InteractiveLane));
        Assert.Contains("urgent.pdf", (string?)queued, StringComparison.Ordinal);
        Assert.Equal(0, await context.Redis.ListLengthAsync(context.Keys.Pending));
    }
}
