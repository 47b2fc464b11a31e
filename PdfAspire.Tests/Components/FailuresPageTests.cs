using Bunit;
using PdfAspire.Admin.Components.Pages.Failures;
using PdfAspire.Admin.Security;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Components;

public sealed class FailuresPageTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task DeadLetters_AreGroupedByCategory_WithCounts()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        await context.AddDeadLetterAsync("not_pdf", "a.txt");
        await context.AddDeadLetterAsync("not_pdf", "b.txt");
        await context.AddDeadLetterAsync("encrypted", "c.pdf");

        var page = context.Render<Failures>();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("all (3)", page.Find("[data-testid=category-all]").TextContent, StringComparison.Ordinal);
            Assert.Contains("not_pdf (2)", page.Find("[data-testid=category-not_pdf]").TextContent, StringComparison.Ordinal);
            Assert.Contains("encrypted (1)", page.Find("[data-testid=category-encrypted]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task RetryingACategory_QueuesItsLettersOnce_LeavesTheOthers_AndSaysWhatItDid()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        await context.AddDeadLetterAsync("not_pdf", "a.txt");
        await context.AddDeadLetterAsync("not_pdf", "b.txt");
        await context.AddDeadLetterAsync("encrypted", "c.pdf");
        var page = context.Render<Failures>();
        await page.ClickAsync("[data-testid=category-not_pdf]");
        // The grid reads the category's letters from the server: the button counts them once it has.
        page.WaitForAssertion(() => Assert.Contains("Retry 2 matching", page.Find("[data-testid=retry-shown]").TextContent, StringComparison.Ordinal));

        await page.ClickAsync("[data-testid=retry-shown]");
        context.ConfirmDialog("Retry");

        page.WaitForAssertion(() => Assert.Contains("Queued 2 dead letters.", page.Find("[data-testid=action-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal(2, await context.Redis.ListLengthAsync(context.Keys.Pending));
        Assert.Equal(1, await context.Redis.HashLengthAsync(context.Keys.Dead));
        // A second retry of the same letters finds them gone: nothing is queued twice.
        Assert.Equal(0, await context.Administration.RetryCategoryAsync("not_pdf", "operator"));
        Assert.Equal(2, await context.Redis.ListLengthAsync(context.Keys.Pending));
    }

    [Fact]
    public async Task CancellingABulkAction_ChangesNothing()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        await context.AddDeadLetterAsync("corrupt", "d.pdf");
        var page = context.Render<Failures>();
        page.WaitForElement("[data-testid=category-corrupt]");
        // Enabled once the grid has read its page from the server.
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=purge-shown]").HasAttribute("disabled")));

        await page.ClickAsync("[data-testid=purge-shown]");
        context.ConfirmDialog("Cancel");

        Assert.Equal(1, await context.Redis.HashLengthAsync(context.Keys.Dead));
        Assert.Empty(page.FindAll("[data-testid=action-result]"));
    }

    [Fact]
    public async Task Viewer_SeesTheLetters_WithEveryActionDisabled()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        await context.AddDeadLetterAsync("too_large", "e.pdf");

        var page = context.Render<Failures>();

        page.WaitForAssertion(() => Assert.Contains("e.pdf", page.Markup, StringComparison.Ordinal));
        Assert.True(page.Find("[data-testid=retry-shown]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=purge-shown]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=retry-selected]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task EachLettersIconActions_HaveAccessibleNames_ThatSayWhichLetter()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        await context.AddDeadLetterAsync("not_pdf", "f.txt");

        var page = context.Render<Failures>();

        page.WaitForAssertion(() => Assert.Contains("f.txt", page.Markup, StringComparison.Ordinal));
        // A screen reader reads aria-label, not a hover title: each icon-only button names its action and its letter.
        var names = page.FindAll("button[aria-label]").Select(b => b.GetAttribute("aria-label")).ToList();
        Assert.Contains("Retry f.txt", names);
        Assert.Contains("Edit and retry f.txt", names);
        Assert.Contains("Delete f.txt", names);
        Assert.All(page.FindAll("button").Where(b => b.TextContent.Trim().Length == 0),
            b => Assert.False(string.IsNullOrWhiteSpace(b.GetAttribute("aria-label")), b.OuterHtml));
    }

    /// <summary>
    /// An outside probe's 600 malformed tasks of ~63 KB made each failures page load read every letter whole (HVALS)
    /// and keep them in its circuit: 0.5–0.8 s a load, 859 MB for the admin. The page now reads one page of small
    /// summaries from the letters' index; what Redis sends it is measured by Redis itself.
    /// </summary>
    [Fact]
    public async Task ManyLargeLetters_APageReadsOnePageOfSummaries_NotThePayloads()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        var padding = new string('x', 60_000);
        var failedAt = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < 120; i++)
        {
            await context.AddDeadLetterAsync(i % 3 == 0 ? "not_pdf" : "corrupt", $"big-{i:D3}.pdf", $"big-{i:D3}",
                $$$"""{"task_id":"big-{{{i:D3}}}","object_key":"big-{{{i:D3}}}.pdf","metadata":{"padding":"{{{padding}}}"}}""", failedAt.AddSeconds(i));
        }
        var sentBefore = await SentBytesAsync();

        var page = context.Render<Failures>();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("all (120)", page.Find("[data-testid=category-all]").TextContent, StringComparison.Ordinal);
            Assert.Contains("corrupt (80)", page.Find("[data-testid=category-corrupt]").TextContent, StringComparison.Ordinal);
            Assert.Contains("big-119.pdf", page.Markup, StringComparison.Ordinal);
        });
        // The most recent page only: 25 rows, the oldest letters not among them.
        Assert.DoesNotContain("big-000.pdf", page.Markup, StringComparison.Ordinal);
        Assert.Equal(25, page.FindAll("[data-testid^=retry-big-]").Count);
        var sent = await SentBytesAsync() - sentBefore;
        // 120 payloads are 7.2 MB; a page of summaries (metadata values clipped to 100 characters) is a few KB.
        Assert.True(sent < 200_000, $"Redis sent the page {sent:N0} bytes");

        // A search still looks at every letter (their summaries), and a bulk action acts on all it matches.
        await page.ClickAsync("[data-testid=category-not_pdf]");
        page.WaitForAssertion(() => Assert.Contains("Retry 40 matching", page.Find("[data-testid=retry-shown]").TextContent, StringComparison.Ordinal));
    }

    private async Task<long> SentBytesAsync()
    {
        var info = (string)(await redis.Server.ExecuteAsync("INFO", "stats"))!;
        var line = info.Split('\n').First(l => l.StartsWith("total_net_output_bytes:", StringComparison.Ordinal));
        return long.Parse(line["total_net_output_bytes:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
