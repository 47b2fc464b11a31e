namespace PdfAspire.Benchmarks;

/// <summary>Worker processes as the benchmark runs them: quiet logs, their own ports, the local system's addresses.</summary>
public static class BenchWorkers
{
    /// <summary>
    /// A worker on the local system. Throughput runs leave OCR out (pdftotext and raw PdfPig read text layers only);
    /// the quality run turns it on. <paramref name="settings"/> are more of the worker's settings, over the benchmark's own;
    /// <paramref name="executable"/> a published worker to run instead of the Release build's.
    /// </summary>
    public static Task<WorkerProcess> StartWorkerAsync(this LocalSystem system, int concurrency, bool isolated = true, bool ocr = false,
        IReadOnlyDictionary<string, string>? settings = null, string? executable = null)
    {
        var environment = system.WorkerEnvironment().ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["WORKER_CONCURRENCY"] = LocalSystem.Text(concurrency);
        environment["EXTRACTION_ISOLATION"] = isolated ? "process" : "none";
        environment["OCR_ENABLED"] = ocr ? "true" : "false";
        environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        return WorkerProcess.StartAsync(executable ?? WorkerProcess.Assembly("Release"), environment, "bench", TimeSpan.FromMinutes(1));
    }
}
