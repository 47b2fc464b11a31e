using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PdfAspire.Admin.Components.Pages.Overview;
using PdfAspire.Admin.Queue;
using PdfAspire.Admin.Security;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Components;

/// <summary>The overview's chart: windows, pages per second, latency percentiles, failures by category, live.</summary>
public sealed class ThroughputChartTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task TheChart_MovesAsWorkHappens_WithoutAReload()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        var monitor = context.Services.GetRequiredService<QueueMonitor>();
        await monitor.StartAsync(Xunit.TestContext.Current.CancellationToken);
        try
        {
            var chart = context.Render<ThroughputChart>();
            chart.WaitForAssertion(() => Assert.Contains("0 processed", chart.Find("[data-testid=throughput-totals]").TextContent, StringComparison.Ordinal));

            await context.CompleteTaskAsync("""{"task_id":"live-1","object_key":"a.pdf"}""", new TaskResult { PageCount = 30, DurationMs = 800 });
            await context.CompleteTaskAsync("""{"task_id":"live-2","object_key":"b.pdf"}""", new TaskResult { PageCount = 30, DurationMs = 7_000 });
            await context.AddDeadLetterAsync("corrupt", "c.pdf", "live-3", """{"task_id":"live-3","object_key":"c.pdf"}""", DateTimeOffset.UtcNow);

            chart.WaitForAssertion(() =>
            {
                Assert.Contains("2 processed (60 pages), 1 failed (corrupt 1)", chart.Find("[data-testid=throughput-totals]").TextContent, StringComparison.Ordinal);
                Assert.Equal("≤ 1 s", chart.Find("[data-testid=latency-p50]").TextContent);
                Assert.Equal("≤ 10 s", chart.Find("[data-testid=latency-p95]").TextContent);
            }, TimeSpan.FromSeconds(15));
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task EveryWindow_FitsItsAxis()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        var insights = QueueParts.Insights(redis.Connection, context.Lanes);
        foreach (var window in ThroughputWindow.All)
        {
            var minutes = await insights.ThroughputAsync(window.Span);
            Assert.Equal((int)window.Span.TotalMinutes, minutes.Count);
            Assert.InRange(window.Group(minutes).Count, 15, 100);
        }
    }
}
