using System.Text.Json;
using Bunit;
using PdfAspire.Admin.Components.Pages.Failures;
using PdfAspire.Admin.Security;
using PdfAspire.TaskQueue;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Components;

/// <summary>Edit before retry, on the failures page over a real Redis: the fix is queued, the original is kept.</summary>
public sealed class DeadLetterEditTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task EditingADeadLetter_QueuesTheFixedTask_AndKeepsTheOriginalInItsTimeline()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        var taskId = $"edit-{Guid.NewGuid():N}";
        var original = $$"""{"task_id":"{{taskId}}","object_key":"uploads/wrong-key.pdf"}""";
        await context.AddDeadLetterAsync("object_not_found", "report.pdf", taskId, original, DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();

        await page.ClickAsync($"[data-testid=edit-{taskId}]");
        var fixedPayload = $$$"""{"task_id":"{{{taskId}}}","object_key":"uploads/report.pdf","metadata":{"tenant":"acme"}}""";
        await page.InputAsync("[data-testid=edit-payload] textarea, textarea[data-testid=edit-payload]", fixedPayload);
        await page.ClickAsync("[data-testid=edit-retry]");

        page.WaitForAssertion(() => Assert.Contains("Queued report.pdf again with the edited task.", page.Find("[data-testid=action-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal(fixedPayload, (string?)await context.Redis.ListGetByIndexAsync(context.Keys.Pending, 0));
        Assert.Equal(1, await context.Redis.ListLengthAsync(context.Keys.Pending));
        Assert.False(await context.Redis.HashExistsAsync(context.Keys.Dead, taskId));
        var events = (await context.Redis.ListRangeAsync(context.Keys.TaskEvents(taskId)))
            .Select(e => JsonSerializer.Deserialize((string)e!, TaskQueueJsonContext.Default.TaskEvent)!).ToList();
        var edit = Assert.Single(events, e => e.Kind == TaskEventKinds.EditedByOperator);
        Assert.Equal(original, edit.OriginalPayload);
        Assert.Equal("operator", edit.Worker);
        Assert.Equal(TaskStatuses.Pending, (string?)await context.Redis.HashGetAsync(context.Keys.Task(taskId), TaskRecordFields.Status));
    }

    [Theory]
    [InlineData("""{"object_key":""", "not valid JSON")]
    [InlineData("""{"task_id":"TASK","object_key":"a.pdf","bucket":"someone-elses"}""", "is not one this worker serves")]
    [InlineData("""{"task_id":"another-id","object_key":"a.pdf"}""", "task_id must stay")]
    [InlineData("""{"task_id":"TASK","object_key":"../escape.pdf"}""", "object_key")]
    public async Task AnEditThatIsNotAValidTask_IsRefused_WithTheReason_AndChangesNothing(string edited, string reason)
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        var taskId = $"refused-{Guid.NewGuid():N}";
        await context.AddDeadLetterAsync("object_not_found", "a.pdf", taskId, $$"""{"task_id":"{{taskId}}","object_key":"x.pdf"}""", DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();

        await page.ClickAsync($"[data-testid=edit-{taskId}]");
        await page.InputAsync("[data-testid=edit-payload] textarea, textarea[data-testid=edit-payload]", edited.Replace("TASK", taskId, StringComparison.Ordinal));
        await page.ClickAsync("[data-testid=edit-retry]");

        page.WaitForAssertion(() => Assert.Contains(reason, page.Find("[data-testid=edit-panel]").TextContent, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await context.Redis.ListLengthAsync(context.Keys.Pending));
        Assert.True(await context.Redis.HashExistsAsync(context.Keys.Dead, taskId));
    }

    [Fact]
    public async Task AMalformedLetter_CanBeFixedIntoATask_OfItsOwnId()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Operator);
        var letterId = UploadTaskParser.MalformedId("{not json"u8);
        await context.AddDeadLetterAsync("malformed_task", "", letterId, "{not json", DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();

        await page.ClickAsync($"[data-testid=edit-{letterId}]");
        await page.InputAsync("[data-testid=edit-payload] textarea, textarea[data-testid=edit-payload]", """{"task_id":"fixed-by-hand","object_key":"a.pdf"}""");
        await page.ClickAsync("[data-testid=edit-retry]");

        page.WaitForAssertion(() => Assert.Contains("as fixed-by-hand", page.Find("[data-testid=action-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, await context.Redis.ListLengthAsync(context.Keys.Pending));
    }

    [Fact]
    public async Task TheViewer_CannotEdit()
    {
        await using var context = new AdminComponentContext(redis, AdminRoles.Viewer);
        var taskId = $"viewer-{Guid.NewGuid():N}";
        await context.AddDeadLetterAsync("corrupt", "a.pdf", taskId, $$"""{"task_id":"{{taskId}}","object_key":"a.pdf"}""", DateTimeOffset.UtcNow);
        var page = context.Render<Failures>();

        Assert.True(page.WaitForElement($"[data-testid=edit-{taskId}]").HasAttribute("disabled"));
    }
}
