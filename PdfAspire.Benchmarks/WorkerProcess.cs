using System.Diagnostics;
using System.Globalization;

namespace PdfAspire.Benchmarks;

/// <summary>One worker process of a pipeline run; its peak resident memory is read from the kernel.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    public WorkerProcess(Process process, int metricsPort)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"a worker exited with {_process.ExitCode}");
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

    public double CpuSeconds() => ProcessCpu.Seconds(_process.Id);

    /// <summary>The worker's extractor processes now.</summary>
    public IReadOnlyList<int> Extractors() => ProcFs.Children(_process.Id);

    public double ExtractorCpuSeconds() => Extractors().Sum(ProcessCpu.Seconds);

    /// <summary>The extractors' peak resident memory, added up: what they can hold at once at most.</summary>
    public long ExtractorPeakRssBytes() => Extractors().Sum(ProcFs.PeakResidentBytes);

    /// <summary>The worker and its extractors now, shared pages counted once.</summary>
    public long BytesWithExtractors() => ProcFs.TogetherBytes([_process.Id, .. Extractors()]);

    /// <summary>Total GC pause time so far, from the runtime metrics the worker exports.</summary>
    public async Task<double> GcPauseSecondsAsync()
    {
        var exposition = await _http.GetStringAsync("/metrics");
        return exposition.Split('\n')
            .Where(l => l.StartsWith("dotnet_gc_pause_time_seconds_total", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>VmHWM: the most resident memory the process ever held.</summary>
    public long PeakRssBytes() => ProcFs.PeakResidentBytes(_process.Id);

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
