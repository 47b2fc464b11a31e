using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PdfAspire.Testing;

/// <summary>
/// A worker process started from its built assembly, beside whatever else runs: the tests start extra workers they
/// can SIGKILL or SIGTERM as Kubernetes would, the benchmark the workers it measures. It gets its own loopback
/// ports and id; what it reaches (Redis, the object store, ingest) and how it is set up come from the caller.
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

    /// <summary>What it printed, both streams.</summary>
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

    /// <summary>The worker's assembly as built in <paramref name="configuration"/>.</summary>
    public static string Assembly(string configuration) =>
        Path.Combine(LocalSystem.RepositoryRoot, "PdfAspire.Worker", "bin", configuration, "net10.0", "PdfAspire.Worker.dll");

    /// <summary>
    /// Starts a worker and waits until its /health says it is consuming (or fails with what it printed).
    /// <paramref name="environment"/> is everything it is configured with; a null value leaves a variable unset.
    /// </summary>
    public static async Task<WorkerProcess> StartAsync(string assembly, IReadOnlyDictionary<string, string?> environment, string idPrefix,
        TimeSpan timeout, CancellationToken ct = default)
    {
        var worker = Launch(assembly, environment, idPrefix);
        try
        {
            var waited = Stopwatch.StartNew();
            while (!await worker.IsHealthyAsync())
            {
                if (waited.Elapsed > timeout)
                {
                    throw new TimeoutException($"worker {worker.Id} was not healthy within {timeout.TotalSeconds:0} s:\n{worker.Output}");
                }
                await Task.Delay(100, ct);
            }
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a worker without waiting for it.</summary>
    public static WorkerProcess Launch(string assembly, IReadOnlyDictionary<string, string?> environment, string idPrefix)
    {
        var id = $"{idPrefix}-{Guid.NewGuid():N}"[..32];
        var metricsPort = LoopbackPort.Free();
        var grpcPort = LoopbackPort.Free();
        // The build's assembly runs under the dotnet host; a published, self-contained worker is its own executable.
        var start = assembly.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet", [assembly]) : new ProcessStartInfo(assembly);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetDirectoryName(assembly)!;
        start.Environment["GRPC_SERVER_PORT"] = Text(grpcPort);
        start.Environment["METRICS_PORT"] = Text(metricsPort);
        start.Environment["WORKER_ID"] = id;
        start.Environment["BIND_ADDRESS"] = LocalInfrastructure.LocalCommands.Loopback;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return new WorkerProcess(id, Process.Start(start)!, grpcPort, metricsPort);
    }

    /// <summary>True once /health answers success; throws (with its output) if the process has exited.</summary>
    public async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"worker {Id} exited with {_process.ExitCode}:\n{Output}");
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

    /// <summary>/health as it answers now: its status code and its report (a line per check).</summary>
    public async Task<(int Status, string Report)> HealthAsync()
    {
        using var response = await _http.GetAsync("/health");
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>SIGKILL: no chance to clean up, as with an OOM kill or a lost node.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as Kubernetes sends before a pod stops.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Text(_process.Id)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        await _process.WaitForExitAsync(ct).WaitAsync(timeout, ct);
        return _process.ExitCode;
    }

    public async Task<string> MetricsAsync() => await _http.GetStringAsync("/metrics");

    /// <summary>Total GC pause time so far, from the runtime metrics the worker exports.</summary>
    public Task<double> GcPauseSecondsAsync() => CounterAsync("dotnet_gc_pause_time_seconds_total");

    /// <summary>Total time the worker's JIT has spent compiling so far, from the runtime metrics it exports.</summary>
    public Task<double> JitSecondsAsync() => CounterAsync("dotnet_jit_compilation_time_seconds_total");

    private async Task<double> CounterAsync(string name) =>
        (await MetricsAsync()).Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    public double CpuSeconds() => ProcessCpu.Seconds(_process.Id);

    /// <summary>The worker's child processes now (its extractors).</summary>
    public IReadOnlyList<int> Extractors() => ProcFs.Children(_process.Id);

    /// <summary>The extractors' CPU so far; one that ended since the listing counts no more.</summary>
    public double ExtractorCpuSeconds() => Extractors().Sum(id => ProcessCpu.TrySeconds(id) ?? 0);

    /// <summary>The highest peak of any one of its extractor processes.</summary>
    public long LargestExtractorPeakRssBytes() => Extractors().Select(ProcFs.PeakResidentBytes).DefaultIfEmpty().Max();

    /// <summary>The extractors' peak resident memory, added up: what they can hold at once at most.</summary>
    public long ExtractorPeakRssBytes() => Extractors().Sum(ProcFs.PeakResidentBytes);

    /// <summary>The worker and its extractors now, shared pages counted once.</summary>
    public long BytesWithExtractors() => ProcFs.TogetherBytes([_process.Id, .. Extractors()]);

    /// <summary>VmHWM: the most resident memory the worker process itself ever held, extractors not included.</summary>
    public long PeakResidentBytes() => ProcFs.PeakResidentBytes(_process.Id);

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

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

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
