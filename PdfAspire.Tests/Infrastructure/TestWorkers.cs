using System.Reflection;
using PdfAspire.Testing;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>
/// Extra workers for tests, beside the AppHost's: connected to the same Redis, S3 server and stub, with the shared
/// system's short retry and lease settings; <c>settings</c> override those (a null value removes one).
/// </summary>
public static class TestWorkers
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    extension(WorkerProcess)
    {
        /// <summary>Starts a worker beside the AppHost's and waits until its /health says it is consuming.</summary>
        public static Task<WorkerProcess> StartAsync(AppHostFixture system, string idPrefix, IReadOnlyDictionary<string, string?>? settings = null) =>
            StartAsync(Connections(system), idPrefix, settings);

        /// <summary>Starts a worker connected as <paramref name="connections"/> says and waits until it is consuming.</summary>
        public static Task<WorkerProcess> StartAsync(IReadOnlyDictionary<string, string> connections, string idPrefix,
            IReadOnlyDictionary<string, string?>? settings = null) =>
            WorkerProcess.StartAsync(WorkerAssembly(), Environment(connections, settings), idPrefix, StartTimeout, TestContext.Current.CancellationToken);

        /// <summary>Starts a worker without waiting for it.</summary>
        public static WorkerProcess Launch(AppHostFixture system, string idPrefix, IReadOnlyDictionary<string, string?>? settings = null) =>
            WorkerProcess.Launch(WorkerAssembly(), Environment(Connections(system), settings), idPrefix);
    }

    /// <summary>The build configuration the tests were built in (Release in CI); the worker and the admin are built alike.</summary>
    public static string Configuration { get; } = typeof(TestWorkers).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The worker as built in the tests' own configuration.</summary>
    public static string WorkerAssembly() => WorkerProcess.Assembly(Configuration);

    private static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string> connections, IReadOnlyDictionary<string, string?>? settings)
    {
        var environment = AppHostFixture.WorkerSettings.ToDictionary(s => s.Key, s => (string?)s.Value);
        foreach (var (key, value) in connections)
        {
            environment[key] = value;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
        return environment;
    }

    private static Dictionary<string, string> Connections(AppHostFixture system) => new()
    {
        ["ConnectionStrings__redis"] = system.RedisConnectionString,
        ["BUCKET_ENDPOINT"] = system.Pipeline.StorageEndpoint.ToString(),
        ["BUCKET_ACCESS_ID"] = LocalInfrastructure.LocalCommands.S3rverCredential,
        ["BUCKET_ACCESS_KEY"] = LocalInfrastructure.LocalCommands.S3rverCredential,
        ["GO_GRPC_INGEST_ADDR"] = system.Endpoint("go-ingest-service", "grpc").ToString(),
    };
}
