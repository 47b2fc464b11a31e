using Bunit;
using PdfAspire.Admin.Components.Pages.Failures;
using PdfAspire.Admin.Security;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Components;

/// <summary>Delete or retry by age and by search, with a count and a confirmation, letter by letter.</summary>
public sealed class FailureFilterTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task DeletingWhatASearchAndAnAgeSelect_TouchesOnlyThose_AfterSayingHowMany()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        var old = DateTimeOffset.UtcNow.AddDays(-9);
        await context.AddDeadLetterAsync("corrupt", "old-acme.pdf", "old-acme", Task("old-acme", "acme"), old);
        await context.AddDeadLetterAsync("corrupt", "old-other.pdf", "old-other", Task("old-other", "globex"), old);
        await context.AddDeadLetterAsync("corrupt", "new-acme.pdf", "new-acme", Task("new-acme", "acme"), DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();
        page.WaitForElement("[data-testid=category-corrupt]");

        await page.InputAsync("[data-testid=failure-search] input, input[data-testid=failure-search]", "tenant=acme");
        page.WaitForAssertion(() => Assert.Contains("2 dead letters", page.Find("[data-testid=dead-letters]").TextContent, StringComparison.Ordinal));
        await page.ClickAsync("[data-testid=age-7]");
        page.WaitForAssertion(() => Assert.Contains("Delete 1 matching", page.Find("[data-testid=purge-shown]").TextContent, StringComparison.Ordinal));

        await page.ClickAsync("[data-testid=purge-shown]");
        context.DialogProvider.WaitForAssertion(() => Assert.Contains("Delete 1 dead letters", context.DialogProvider.Markup, StringComparison.Ordinal));
        context.ConfirmDialog("Delete");

        page.WaitForAssertion(() => Assert.Contains("Deleted 1 dead letter.", page.Find("[data-testid=action-result]").TextContent, StringComparison.Ordinal));
        Assert.False(await context.Redis.HashExistsAsync(context.Keys.Dead, "old-acme"));
        Assert.True(await context.Redis.HashExistsAsync(context.Keys.Dead, "old-other"));
        Assert.True(await context.Redis.HashExistsAsync(context.Keys.Dead, "new-acme"));
    }

    [Fact]
    public async Task RetryingWhatASearchSelects_QueuesThoseOnce()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        await context.AddDeadLetterAsync("ingest_unavailable", "q3-report.pdf", "q3", Task("q3", "acme"), DateTimeOffset.UtcNow);
        await context.AddDeadLetterAsync("ingest_unavailable", "q4-report.pdf", "q4", Task("q4", "acme"), DateTimeOffset.UtcNow);
        await context.AddDeadLetterAsync("ingest_unavailable", "minutes.pdf", "minutes", Task("minutes", "acme"), DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();
        page.WaitForElement("[data-testid=category-ingest_unavailable]");

        await page.InputAsync("[data-testid=failure-search] input, input[data-testid=failure-search]", "report");
        page.WaitForAssertion(() => Assert.Contains("Retry 2 matching", page.Find("[data-testid=retry-shown]").TextContent, StringComparison.Ordinal));
        await page.ClickAsync("[data-testid=retry-shown]");
        context.ConfirmDialog("Retry");

        page.WaitForAssertion(() => Assert.Contains("Queued 2 dead letters.", page.Find("[data-testid=action-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal(2, await context.Redis.ListLengthAsync(context.Keys.Pending));
        Assert.True(await context.Redis.HashExistsAsync(context.Keys.Dead, "minutes"));
    }

    private static string Task(string id, string tenant) => $$$"""{"task_id":"{{{id}}}","object_key":"{{{id}}}.pdf","metadata":{"tenant":"{{{tenant}}}"}}""";
}
