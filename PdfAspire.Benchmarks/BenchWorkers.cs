using System.Diagnostics;

namespace PdfAspire.Benchmarks;

/// <summary>Worker processes as the benchmark runs them: quiet logs, their own ports, the local system's addresses.</summary>
public static class BenchWorkers
{
    /// <summary>
    /// A worker on the local system. Throughput runs leave OCR out (pdftotext and raw PdfPig read text layers only);
    /// the quality run turns it on.
    /// </summary>
    public static async Task<WorkerProcess> StartWorkerAsync(this LocalSystem system, int concurrency, bool isolated = true, bool ocr = false)
    {
        var metricsPort = LoopbackPort.Free();
        var assembly = Path.Combine(LocalSystem.RepositoryRoot, "PdfAspire.Worker", "bin", "Release", "net10.0", "PdfAspire.Worker.dll");
        var start = new ProcessStartInfo("dotnet", [assembly]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in system.WorkerEnvironment())
        {
            start.Environment[key] = value;
        }
        start.Environment["GRPC_SERVER_PORT"] = LocalSystem.Text(LoopbackPort.Free());
        start.Environment["METRICS_PORT"] = LocalSystem.Text(metricsPort);
        start.Environment["WORKER_CONCURRENCY"] = LocalSystem.Text(concurrency);
        start.Environment["EXTRACTION_ISOLATION"] = isolated ? "process" : "none";
        start.Environment["OCR_ENABLED"] = ocr ? "true" : "false";
        start.Environment["WORKER_ID"] = $"bench-{Guid.NewGuid():N}"[..20];
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var worker = new WorkerProcess(Process.Start(start)!, metricsPort);
        await LocalSystem.UntilAsync(worker.IsHealthyAsync, "a worker");
        return worker;
    }
}
