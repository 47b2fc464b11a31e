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
        page.WaitForElement("[data-testid=category-not_pdf]").Click();

        page.Find("[data-testid=retry-shown]").Click();
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

        page.Find("[data-testid=purge-shown]").Click();
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
}
