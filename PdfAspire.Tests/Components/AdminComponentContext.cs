using Amazon.S3;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using PdfAspire.Admin.Components.Time;
using PdfAspire.Admin.Queue;
using PdfAspire.Admin.Security;
using PdfAspire.Admin.Uploads;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace PdfAspire.Tests.Components;

/// <summary>
/// A bUnit context with the admin's real services over a real Redis, on a queue name of the test's own, signed in
/// as the given role.
/// </summary>
public sealed class AdminComponentContext : BunitContext
{
    // bUnit's waits give up after 1 s by default; a page's first render reads Redis, and on a busy 2-core machine
    // (the suite's AppHosts starting beside these tests) that once took longer. These are condition waits: the
    // longer bound costs nothing when the condition holds.
    static AdminComponentContext() => DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    /// <param name="redis">The Redis the pages read and write.</param>
    /// <param name="role">The signed-in admin's role.</param>
    /// <param name="maxUploadBytes">ADMIN_MAX_UPLOAD_BYTES.</param>
    /// <param name="interactiveLane">A second lane of higher priority, <see cref="InteractiveLane"/>, before the test's own queue.</param>
    /// <param name="s3">The object store uploads go to; by default one nowhere, for tests where every upload is refused.</param>
    public AdminComponentContext(RedisServer redis, string role, long maxUploadBytes = 100L << 20, bool interactiveLane = false, IAmazonS3? s3 = null)
    {
        var name = $"queue:component-{Guid.NewGuid():N}";
        InteractiveLane = $"{name}-interactive";
        Lanes = QueueParts.Lanes(redis.Connection, name, lanes: interactiveLane ? $"{InteractiveLane},{name}" : "");
        Redis = redis.Connection.GetDatabase();
        Administration = QueueParts.Administration(redis.Connection, Lanes);
        Services.AddSingleton<IConnectionMultiplexer>(redis.Connection);
        Services.AddSingleton(Lanes);
        Services.AddSingleton(Lanes.AdminKeys);
        Services.AddSingleton(Administration);
        Services.AddSingleton(new DeadLetterPages(redis.Connection, Lanes));
        Services.AddSingleton(QueueParts.Insights(redis.Connection, Lanes));
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(ServedBuckets.Only(Bucket));
        Services.AddSingleton<QueueMonitor>();
        Services.AddLogging();
        Services.AddScoped<BrowserTime>();
        // Refused uploads never reach the store; unless given one, this client points nowhere on purpose.
        Services.AddSingleton(s3 ?? new AmazonS3Client("unused", "unused", new AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true }));
        Services.AddSingleton(Options.Create(new StorageOptions()));
        Services.AddSingleton(Options.Create(new RetentionOptions()));
        Services.AddSingleton(Options.Create(new AdminOptions { OperatorPassword = "unused-in-components", MaxUploadBytes = maxUploadBytes }));
        Services.AddSingleton<DocumentUploader>();
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        AddAuthorization().SetAuthorized(role).SetRoles(role);
        // Pages render as they do in the admin: interactively, on the server.
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        // Dialogs and popovers render into their providers, as MainLayout hosts them.
        DialogProvider = Render<MudDialogProvider>();
        PopoverProvider = Render<MudPopoverProvider>();
    }

    /// <summary>The bucket the admin (and the worker it checks edits for) serves.</summary>
    public const string Bucket = "pdf-uploads";

    public QueueLanes Lanes { get; }

    /// <summary>The second lane's name, when the context has one.</summary>
    public string InteractiveLane { get; }

    public QueueKeys Keys => Lanes.Default.Keys;

    public IDatabase Redis { get; }

    public QueueMoves Queue => Lanes.Default.Moves;

    public QueueAdministration Administration { get; }

    /// <summary>The per-minute counts a worker keeps and flushes; the helpers below count as a worker does.</summary>
    public ThroughputCounter Throughput => Lanes.Default.Throughput;

    public IRenderedComponent<MudDialogProvider> DialogProvider { get; }

    public IRenderedComponent<MudPopoverProvider> PopoverProvider { get; }

    /// <summary>Writes a dead letter the way a worker does.</summary>
    public Task AddDeadLetterAsync(string category, string fileName) =>
        AddDeadLetterAsync(category, fileName, $"{category}-{Guid.NewGuid():N}", $$"""{"object_key":"{{fileName}}"}""", DateTimeOffset.UtcNow);

    /// <summary>Writes a dead letter the way a worker does (it takes the payload and moves it on), with the payload and failure time given.</summary>
    public async Task<DeadLetter> AddDeadLetterAsync(string category, string fileName, string taskId, string payload, DateTimeOffset failedAt)
    {
        await Redis.ListLeftPushAsync(Keys.Pending, payload);
        var fetched = await Queue.TakeAsync(Redis, "component-worker", TimeSpan.FromSeconds(1))
            ?? throw new InvalidOperationException("the task was not taken");
        var letter = new DeadLetter
        {
            TaskId = taskId,
            Payload = payload,
            Category = category,
            Message = $"{fileName} failed as {category}",
            Attempts = 1,
            FileName = fileName,
            FailedAt = failedAt,
        };
        await fetched.DeadLetterAsync(letter);
        if (FailureCategories.FromWireName(category) is { } counted)
        {
            Throughput.Failed(counted, deadLettered: true);
            await Throughput.FlushAsync();
        }
        return letter;
    }

    /// <summary>
    /// Takes <paramref name="payload"/> through the queue as a worker does (LPUSH, BLMOVE, validate, count the attempt,
    /// acknowledge with <paramref name="result"/>, count it in the minute's throughput), so the task's history is what a
    /// real run writes.
    /// </summary>
    public async Task<FetchedTask> CompleteTaskAsync(string payload, TaskResult result)
    {
        await Redis.ListLeftPushAsync(Keys.Pending, payload);
        var fetched = await Queue.TakeAsync(Redis, "component-worker", TimeSpan.FromSeconds(1))
            ?? throw new InvalidOperationException("the task was not taken");
        Assert.True(fetched.Validate(ServedBuckets.Only(Bucket), out var error), error);
        await fetched.BeginAttemptAsync(DateTimeOffset.UtcNow);
        await fetched.AcknowledgeAsync(result, DateTimeOffset.UtcNow);
        Throughput.Delivered(result.PageCount, result.DurationMs);
        await Throughput.FlushAsync();
        return fetched;
    }

    /// <summary>Clicks the button labelled <paramref name="label"/> in the open dialog.</summary>
    public void ConfirmDialog(string label) =>
        DialogProvider.WaitForAssertion(() => DialogProvider.FindAll("button").Single(b => b.TextContent.Trim() == label).Click());
}
