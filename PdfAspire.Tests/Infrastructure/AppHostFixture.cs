using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>
/// The whole system, started once per test collection from the real AppHost in local-process mode: Debian's
/// redis-server, s3rver, the Go stub and the two .NET projects, each with its own state in a fresh folder.
/// </summary>
public class AppHostFixture : IAsyncLifetime
{
    public static readonly string[] ResourceNames =
        ["redis", "minio", "go-ingest-service", "pdf-processor-worker", "pdf-admin"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The admin's passwords for this run, passed to the AppHost's secret parameters.</summary>
    public static readonly string OperatorPassword = $"operator-{Guid.NewGuid():N}";

    public static readonly string ViewerPassword = $"viewer-{Guid.NewGuid():N}";

    /// <summary>
    /// What the tests change from the defaults: short retry delays and lease, so retries and reaping happen within a
    /// test's patience, and a 16 MiB size limit, so a too_large document is cheap to make.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> WorkerSettings = new Dictionary<string, string>
    {
        ["RETRY_BASE_DELAY_MS"] = "200",
        ["RETRY_MAX_DELAY_MS"] = "1000",
        ["LEASE_TIMEOUT_SECONDS"] = "4",
        ["MAX_ATTEMPTS"] = "3",
        // Low enough that an ingest outage becomes a dead letter within seconds, for the admin's failure tests.
        ["MAX_INFRASTRUCTURE_RETRIES"] = "8",
        ["MAX_DOCUMENT_BYTES"] = (16 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("pdfaspire-tests-").FullName;

    /// <summary>The shared system runs one worker (a local run starts two): tests read its metrics before and after.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [$"{PdfAspire.AppHost.WorkerResource.ReplicasKey}=1"];
    private DistributedApplication? _app;
    private ConnectionMultiplexer? _redis;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public string RedisConnectionString { get; private set; } = "";

    /// <summary>Uploads, queues and watches tasks through the real Redis, S3 server and Go stub.</summary>
    public PipelineDriver Pipeline { get; private set; } = null!;

    public IDatabase Redis => (_redis ?? throw new InvalidOperationException("Redis is not connected.")).GetDatabase();

    public virtual async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PdfAspire_AppHost>(
            ["PDFASPIRE_RUN_MODE=local", $"PDFASPIRE_STATE_DIR={_stateDirectory}", .. ExtraArguments,
             $"Parameters:admin-operator-password={OperatorPassword}", $"Parameters:admin-viewer-password={ViewerPassword}",
             .. WorkerSettings.Select(s => $"Worker:{s.Key}={s.Value}")],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        // A local run's supervisor restarts a resource that exits or fails to start, as ./run.sh does: one start that
        // fails on a busy machine is waited through, as a user's run would be (CI met one: the worker of the external
        // Redis system, "failed to start"). One that never comes up still fails here, naming the last states.
        try
        {
            await Task.WhenAll(ResourceNames.Select(name =>
                _app.ResourceNotifications.WaitForResourceHealthyAsync(name, WaitBehavior.WaitOnResourceUnavailable, cts.Token)));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            var states = ResourceNames.Select(name => $"{name}: {(_app.ResourceNotifications.TryGetCurrentState(name, out var e) ? e.Snapshot.State?.Text : "not seen")}");
            throw new TimeoutException($"the system was not healthy within {StartTimeout.TotalMinutes:0} min ({string.Join(", ", states)})");
        }

        RedisConnectionString = await _app.GetConnectionStringAsync("redis", cts.Token)
            ?? throw new InvalidOperationException("redis has no connection string");
        _redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);
        Pipeline = new PipelineDriver(this, _redis);
    }

    public Uri Endpoint(string resource, string endpoint) => App.GetEndpoint(resource, endpoint);

    /// <summary>The process id of a resource the AppHost runs as a process, as the orchestrator reports it.</summary>
    public async Task<int> ProcessIdAsync(string resource)
    {
        var state = await App.ResourceNotifications.WaitForResourceAsync(resource,
            e => ProcessIdOf(e.Snapshot) is not null, TestContext.Current.CancellationToken);
        return ProcessIdOf(state.Snapshot)!.Value;
    }

    /// <summary>
    /// The worker processes of this system now (one per replica), found by the Redis they were given: Aspire starts
    /// each through `dotnet run`, whose child is the worker itself; extractor processes are left out.
    /// </summary>
    public IReadOnlyList<int> WorkerProcessIds() =>
        [.. Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsDigit)).Select(int.Parse!)
            .Where(pid => IsWorkerOfThisSystem(pid))];

    private bool IsWorkerOfThisSystem(int pid)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var isWorker = commandLine[0].EndsWith("PdfAspire.Worker", StringComparison.Ordinal)
                || (commandLine.Length > 1 && commandLine[1].EndsWith("PdfAspire.Worker.dll", StringComparison.Ordinal));
            return isWorker && !commandLine.Contains("extract")
                && File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains($"ConnectionStrings__redis={RedisConnectionString}");
        }
        catch (IOException)
        {
            return false; // gone meanwhile
        }
    }

    private static int? ProcessIdOf(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        Pipeline?.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process that is still flushing its files; the folder is in the system's temp directory.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemUnderTest : ICollectionFixture<AppHostFixture>
{
    public const string Name = "system";
}
