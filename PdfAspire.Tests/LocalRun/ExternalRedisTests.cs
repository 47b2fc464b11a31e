using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PdfAspire.AppHost.LocalRun;
using PdfAspire.TaskQueue;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.LocalRun;

/// <summary>
/// <c>REDIS_CONNECTION=… ./run.sh</c> with a Redis the user already runs — here a real Redis Cluster (3 masters,
/// 3 replicas) with a password — and two lanes: the AppHost starts no Redis of its own, says which Redis it uses
/// without its password, and the pipeline runs on it.
/// </summary>
[Collection(ExternalRedisSystem.Name)]
public sealed class ExternalRedisTests(ExternalRedisSystem system)
{
    [Fact]
    public async Task TheSummary_NamesTheUsersRedis_WithoutItsPassword_AndItsPushCommandWorksThere()
    {
        var summary = system.App.Services.GetRequiredService<StartupSummary>();
        var text = await summary.Printed.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Contains($"{string.Join(',', system.Cluster.Nodes.Select(n => n.Endpoint))}", text, StringComparison.Ordinal);
        Assert.Contains("your own (REDIS_CONNECTION, password not shown)", text, StringComparison.Ordinal);
        Assert.Contains($"lanes {ExternalRedisSystem.Interactive}, {QueueOptions.DefaultName} (highest priority first)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ExternalRedisSystem.Password, text, StringComparison.Ordinal);
        // No Redis of the AppHost's own: neither a container nor a local redis-server.
        Assert.DoesNotContain(system.App.Services.GetRequiredService<Aspire.Hosting.ApplicationModel.DistributedApplicationModel>().Resources,
            r => r is Aspire.Hosting.ApplicationModel.RedisResource or PdfAspire.AppHost.Infrastructure.LocalRedisResource);

        // As a user pastes it, with the password in their shell.
        var (exitCode, output) = await RunAsync(summary.PushCommand, ExternalRedisSystem.Password);

        Assert.True(exitCode == 0, output);
        Assert.Contains("PdfAspire sample document", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATaskPushedIntoTheInteractiveLane_IsDelivered_AndItsHistoryIsInTheCluster()
    {
        var taskId = PipelineDriver.NewTaskId("external");
        await system.Pipeline.UploadAsync($"external/{taskId}.pdf", Corpus.Generated("a page from the user's own Redis"));
        var lanes = QueueParts.Lanes(system.Cluster.Redis, lanes: ExternalRedisSystem.Lanes);

        await system.Cluster.Redis.GetDatabase().ListLeftPushAsync(ExternalRedisSystem.Interactive, JsonSerializer.Serialize(
            new UploadTask { TaskId = taskId, ObjectKey = $"external/{taskId}.pdf" }, TaskQueueJsonContext.Default.UploadTask));

        var stored = await system.Pipeline.WaitForResultsAsync([taskId], TimeSpan.FromMinutes(2));
        Assert.Equal(1, stored[taskId].Deliveries);
        // Ingest holds the result a moment before the worker's acknowledgement writes "done" into the history.
        var history = await Eventually.ValueAsync(() => QueueParts.Insights(system.Cluster.Redis, lanes).TaskAsync(taskId),
            h => h?.Record.Status == TaskStatuses.Done, TimeSpan.FromMinutes(1), "the task's history to say done");
        Assert.Equal(ExternalRedisSystem.Interactive, history!.Lane);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, string password)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["REDIS_PASSWORD"] = password;
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1));
        return (bash.ExitCode, await output + await error);
    }
}

/// <summary>The whole system as ./run.sh starts it with REDIS_CONNECTION naming a Redis Cluster of the test's own, and two lanes.</summary>
public sealed class ExternalRedisSystem : AppHostFixture
{
    public const string Name = "external redis system";
    public const string Interactive = "queue:interactive";
    public const string Lanes = $"{Interactive},{QueueOptions.DefaultName}";
    public static readonly string Password = $"users-own-{Guid.NewGuid():N}";

    public RedisCluster Cluster { get; private set; } = null!;

    protected override IEnumerable<string> ExtraArguments =>
        [$"{PdfAspire.AppHost.WorkerResource.ReplicasKey}=1", $"REDIS_CONNECTION={Cluster.ConfigurationString}", $"REDIS_QUEUE_LANES={Lanes}"];

    public override async ValueTask InitializeAsync()
    {
        Cluster = await RedisCluster.StartAsync(masters: 3, Password);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(ExternalRedisSystem.Name)]
public sealed class ExternalRedisCollection : ICollectionFixture<ExternalRedisSystem>;
