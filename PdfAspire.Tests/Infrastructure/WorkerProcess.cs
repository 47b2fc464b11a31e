using System.Diagnostics;
using System.Reflection;
using System.Text;
using PdfAspire.Testing;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>
/// An extra worker process beside the AppHost's, connected to the same Redis, S3 server and stub, that a test can
/// SIGKILL or SIGTERM as Kubernetes would.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    private WorkerProcess(string id, Process process, int grpcPort, int metricsPort)
    {
        Id = id;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Id { get; }

    /// <summary>Its gRPC port (ProcessDocument, health).</summary>
    public Uri GrpcAddress { get; }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>The worker's child processes now (its extractors).</summary>
    public IReadOnlyList<int> ChildProcessIds() => ProcFs.Children(_process.Id);

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a worker beside the AppHost's and waits until its /health says it is consuming.</summary>
    public static Task<WorkerProcess> StartAsync(AppHostFixture system, string idPrefix, IReadOnlyDictionary<string, string?>? settings = null) =>
        StartAsync(Connections(system), idPrefix, settings);

    /// <summary>Starts a worker connected as <paramref name="connections"/> says and waits until it is consuming.</summary>
    public static async Task<WorkerProcess> StartAsync(IReadOnlyDictionary<string, string> connections, string idPrefix,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var worker = Launch(connections, idPrefix, settings);
        await Eventually.TrueAsync(worker.IsHealthyAsync, TimeSpan.FromSeconds(60), $"worker {worker.Id} healthy");
        return worker;
    }

    public static WorkerProcess Launch(AppHostFixture system, string idPrefix, IReadOnlyDictionary<string, string?>? settings = null) =>
        Launch(Connections(system), idPrefix, settings);

    /// <summary>Starts a worker without waiting for it; <paramref name="settings"/> override the test defaults (null removes one).</summary>
    public static WorkerProcess Launch(IReadOnlyDictionary<string, string> connections, string idPrefix, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var id = $"{idPrefix}-{Guid.NewGuid():N}"[..32];
        var metricsPort = LoopbackPort.Free();
        var grpcPort = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet", [WorkerAssembly()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(WorkerAssembly())!,
        };
        var environment = new Dictionary<string, string?>(AppHostFixture.WorkerSettings!)
        {
            ["GRPC_SERVER_PORT"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["METRICS_PORT"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WORKER_ID"] = id,
            ["BIND_ADDRESS"] = "127.0.0.1",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in connections.Select(c => (c.Key, (string?)c.Value)).Concat((settings ?? new Dictionary<string, string?>()).Select(s => (s.Key, s.Value))))
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return new WorkerProcess(id, Process.Start(start)!, grpcPort, metricsPort);
    }

    private static Dictionary<string, string> Connections(AppHostFixture system) => new()
    {
        ["ConnectionStrings__redis"] = system.RedisConnectionString,
        ["BUCKET_ENDPOINT"] = system.Pipeline.StorageEndpoint.ToString(),
        ["BUCKET_ACCESS_ID"] = "S3RVER",
        ["BUCKET_ACCESS_KEY"] = "S3RVER",
        ["GO_GRPC_INGEST_ADDR"] = system.Endpoint("go-ingest-service", "grpc").ToString(),
    };

    /// <summary>SIGKILL: no chance to clean up, as with an OOM kill or a lost node.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as Kubernetes sends before a pod stops.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>The most memory the worker process itself has held (VmHWM), extractor processes not included.</summary>
    public long PeakResidentBytes() => ProcFs.PeakResidentBytes(_process.Id);

    public async Task<string> MetricsAsync() => await _http.GetStringAsync("/metrics");

    private async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited)
        {
            Assert.Fail($"worker exited with {_process.ExitCode}:\n{Output}");
        }
        try
        {
            using var response = await _http.GetAsync("/health");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public static string WorkerAssembly()
    {
        var configuration = typeof(WorkerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        // ProjectPath is the AppHost's folder.
        return Path.GetFullPath(Path.Combine(Projects.PdfAspire_AppHost.ProjectPath, "..", "PdfAspire.Worker", "bin", configuration, "net10.0", "PdfAspire.Worker.dll"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _http.Dispose();
    }
}
