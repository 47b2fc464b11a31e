using Bunit;
using PdfAspire.Admin.Components.Pages.Failures;
using PdfAspire.Admin.Security;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Components;

/// <summary>Redis going away between two clicks: the page says so, and the circuit (here: the renderer) lives on.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task AClick_WhileRedisIsDown_ShowsAMessage_InsteadOfDroppingThePage()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        var letter = await context.AddDeadLetterAsync("corrupt", "a.pdf", "down-1", """{"task_id":"down-1","object_key":"a.pdf"}""", DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();
        page.WaitForElement("[data-testid=retry-down-1]");

        redis.Kill();
        await page.ClickAsync("[data-testid=retry-down-1]");

        page.WaitForAssertion(() => Assert.Contains("Redis did not answer", page.Find("[data-testid=redis-problem]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        // Still a working page: its other controls respond, and say what they could not read.
        await page.ClickAsync($"[data-testid=edit-{letter.TaskId}]");
        page.WaitForAssertion(() => Assert.Contains("while reading the dead letter", page.Find("[data-testid=redis-problem]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
    }
}
