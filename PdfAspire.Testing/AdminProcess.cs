using System.Diagnostics;

namespace PdfAspire.Testing;

/// <summary>
/// The admin dashboard started from its built assembly on a loopback port of its own, connected to a
/// <see cref="LocalSystem"/>: for its background cost in the benchmark, and for tests of its health.
/// </summary>
public sealed class AdminProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private AdminProcess(Process process, int port)
    {
        _process = process;
        Address = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = Address };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
    }

    /// <summary>What it printed (both streams; warnings and errors, as it logs by default here).</summary>
    public string Output => string.Join('\n', _output);

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    public int ProcessId => _process.Id;

    /// <summary>The operator's password of every admin started here.</summary>
    public const string OperatorPassword = "benchmark-operator-password";

    /// <summary>Its HTTP address, on 127.0.0.1.</summary>
    public Uri Address { get; }

    /// <summary>A client of its HTTP port (/health needs no sign-in).</summary>
    public HttpClient Http { get; }

    /// <param name="system">What it connects to.</param>
    /// <param name="configuration">The build to run (Release for the benchmark, the tests' own for tests).</param>
    /// <param name="settings">More environment variables (TASK_HISTORY_…).</param>
    public static async Task<AdminProcess> StartAsync(LocalSystem system, string configuration = "Release", IReadOnlyDictionary<string, string>? settings = null)
    {
        var assembly = Path.Combine(LocalSystem.RepositoryRoot, "PdfAspire.Admin", "bin", configuration, "net10.0", "PdfAspire.Admin.dll");
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in system.WorkerEnvironment())
        {
            start.Environment[key] = value;
        }
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ADMIN_OPERATOR_PASSWORD"] = OperatorPassword;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var admin = new AdminProcess(Process.Start(start)!, port);
        admin._process.BeginOutputReadLine();
        admin._process.BeginErrorReadLine();
        await LocalSystem.UntilAsync(async () =>
        {
            try
            {
                return (await admin.Http.GetAsync("/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return !admin._process.HasExited ? false : throw new InvalidOperationException("the admin exited at start");
            }
        }, "the admin's /health");
        return admin;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
