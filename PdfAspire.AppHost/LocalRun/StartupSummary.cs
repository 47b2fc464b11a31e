using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using PdfAspire.AppHost.Infrastructure;

namespace PdfAspire.AppHost.LocalRun;

/// <summary>
/// Once every resource is healthy, prints where everything is: local ports are chosen at start, so no document can
/// say them. The admin's URL and passwords (generated, and fine to show on a developer's own machine), the dashboard,
/// Redis, the object store and its keys, the ingest stub and where its results are, the worker, and one command that
/// pushes a first PDF through the pipeline and prints its text.
/// </summary>
public sealed class StartupSummary(
    LocalRunResources resources,
    ResourceNotificationService notifications,
    DistributedApplicationModel model,
    IConfiguration configuration) : BackgroundService
{
    public const string DefaultQueueName = "queue:upload_tasks";

    private readonly TaskCompletionSource<string> _printed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The summary once printed (tests run its push command as a user would).</summary>
    public Task<string> Printed => _printed.Task;

    /// <summary>The one-line command that pushes docs/sample.pdf through the pipeline, from the summary.</summary>
    public string PushCommand { get; private set; } = "";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var resource in resources.All)
            {
                await notifications.WaitForResourceHealthyAsync(resource.Name, stoppingToken);
            }
            var summary = await RenderAsync(stoppingToken);
            Console.WriteLine(summary);
            _printed.TrySetResult(summary);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _printed.TrySetCanceled(stoppingToken);
        }
    }

    private async Task<string> RenderAsync(CancellationToken ct)
    {
        var redis = RedisTarget.Parse(await resources.Redis.Resource.GetConnectionStringAsync(ct) ?? "");
        var external = configuration[QueueStoreExtensions.ExternalRedisSetting] is { Length: > 0 };
        var (lanes, pushLane) = Lanes();
        var s3 = resources.Store.Api.Url;
        var (accessId, accessKey) = resources.Store.Credentials is { } keys
            ? (await keys.AccessId.GetValueAsync(ct) ?? "", await keys.AccessKey.GetValueAsync(ct) ?? "")
            : ("", "");
        var stubGrpc = resources.Ingest.GetEndpoint(IngestServiceExtensions.GrpcEndpoint).Url;
        var stubHttp = resources.Ingest.GetEndpoint(IngestServiceExtensions.HttpEndpoint).Url;
        var sample = Path.Combine(resources.RepositoryRoot, "docs", "sample.pdf");
        var upload = resources.Mode == RunMode.LocalProcesses
            // s3rver, on loopback, takes the object without a signature.
            ? $"curl -sSf -T {sample} {s3}/{ObjectStore.DefaultBucket}/first/sample.pdf"
            : $"curl -sSf --aws-sigv4 aws:amz:us-east-1:s3 --user {accessId}:{accessKey} -T {sample} {s3}/{ObjectStore.DefaultBucket}/first/sample.pdf";
        PushCommand = $"{upload} && {redis.Cli(external)} LPUSH {pushLane} '{{\"task_id\":\"first-1\",\"object_key\":\"first/sample.pdf\"}}'" +
            $" && until curl -sf {stubHttp}/results/first-1; do sleep 1; done";

        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"PdfAspire is running ({(resources.Mode == RunMode.LocalProcesses ? "local processes" : "containers")}). Ctrl+C stops everything.");
        text.AppendLine();
        Row(text, "Admin UI", resources.Admin.GetEndpoint("http").Url,
            $"operator / {await ParameterAsync("admin-operator-password", ct)}  (viewer / {await ParameterAsync("admin-viewer-password", ct)} reads only)");
        Row(text, "Aspire dashboard", (configuration["ASPNETCORE_URLS"] ?? "").Split(';')[0],
            "resources, their console logs, traces; no login token and no TLS: for this machine only");
        var queue = lanes.Count > 1 ? $"lanes {string.Join(", ", lanes)} (highest priority first)" : $"the queue is {lanes[0]}";
        Row(text, "Redis", string.Join(',', redis.Endpoints),
            (external ? $"your own ({QueueStoreExtensions.ExternalRedisSetting}{(redis.Password is null ? "" : ", password not shown")}); " : "")
            + $"{queue}; every key is documented in docs/queue.md");
        Row(text, "Object store (S3)", s3, $"bucket {ObjectStore.DefaultBucket}, access key {accessId}, secret {accessKey}");
        Row(text, "Ingest stub", stubGrpc, $"gRPC; results at {stubHttp}/results, one in full at {stubHttp}/results/{{task_id}}");
        Row(text, "Worker", resources.Worker.GetEndpoint(WorkerResource.GrpcEndpoint).Url,
            $"gRPC (ProcessDocument); metrics at {resources.Worker.GetEndpoint(WorkerResource.MetricsEndpoint).Url}/metrics" +
            $"{(Replicas > 1 ? $"; {Replicas} replicas" : "")}");
        text.AppendLine();
        text.AppendLine("Push a first PDF through the pipeline and read its text back (or use the admin's Upload page)"
            + (external && redis.Password is not null ? ", with your Redis's password in REDIS_PASSWORD:" : ":"));
        text.AppendLine(CultureInfo.InvariantCulture, $"  {PushCommand}");
        return text.ToString();
    }

    private int Replicas => resources.Worker.Resource.Annotations.OfType<ReplicaAnnotation>().FirstOrDefault()?.Replicas ?? 1;

    private async Task<string> ParameterAsync(string name, CancellationToken ct) =>
        model.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } parameter
            ? await parameter.GetValueAsync(ct) ?? ""
            : "(not set)";

    private static void Row(StringBuilder text, string what, string where, string how) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"  {what,-18} {where,-28} {how}");

    /// <summary>The lanes workers take from (REDIS_QUEUE_LANES, else REDIS_QUEUE_NAME), and the one a producer that names none pushes to.</summary>
    private (IReadOnlyList<string> All, string Push) Lanes()
    {
        var name = configuration["REDIS_QUEUE_NAME"] is { Length: > 0 } configured ? configured : DefaultQueueName;
        List<string> lanes = [.. (configuration["REDIS_QUEUE_LANES"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(lane => lane.Split('=')[0].Trim())];
        return lanes.Count == 0 ? ([name], name) : (lanes, lanes.Contains(name) ? name : lanes[0]);
    }
}
