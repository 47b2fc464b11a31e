using System.Diagnostics;

namespace PdfAspire.Testing;

/// <summary>One infrastructure process that can be stopped and started again with the same command line and state.</summary>
public sealed class InfrastructureProcess(string name, string fileName, IReadOnlyList<string> arguments) : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process? _process;

    /// <summary>What the process printed (both streams, last 200 lines), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public string Name { get; } = name;

    /// <summary>The running process's id; throws while it is stopped.</summary>
    public int Id => _process?.Id ?? throw new InvalidOperationException($"{Name} is not running");

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Stops the process: SIGTERM lets it shut down as it would in a rolling restart, SIGKILL as in a crash.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is null)
        {
            return;
        }
        if (kill)
        {
            _process.Kill(entireProcessTree: true);
        }
        else
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(kill: true);
}
