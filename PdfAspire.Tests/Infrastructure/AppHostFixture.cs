using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>
/// The whole system, started once per test collection from the real AppHost in local-process mode: Debian's
/// redis-server, s3rver, the Go stub and the two .NET projects, each with its own state in a fresh folder.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly string[] ResourceNames =
        ["redis", "minio", "go-ingest-service", "pdf-processor-worker", "pdf-admin"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("pdfaspire-tests-").FullName;
    private DistributedApplication? _app;
    private ConnectionMultiplexer? _redis;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public IDatabase Redis => (_redis ?? throw new InvalidOperationException("Redis is not connected.")).GetDatabase();

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PdfAspire_AppHost>(
            ["PDFASPIRE_RUN_MODE=local", $"PDFASPIRE_STATE_DIR={_stateDirectory}"],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await Task.WhenAll(ResourceNames.Select(name =>
            _app.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token)));

        var redisConnection = await _app.GetConnectionStringAsync("redis", cts.Token)
            ?? throw new InvalidOperationException("redis has no connection string");
        _redis = await ConnectionMultiplexer.ConnectAsync(redisConnection);
    }

    public Uri Endpoint(string resource, string endpoint) => App.GetEndpoint(resource, endpoint);

    public async ValueTask DisposeAsync()
    {
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
