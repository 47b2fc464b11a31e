using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using PdfAspire.Worker.Extraction;

namespace PdfAspire.Worker.Telemetry;

/// <summary>
/// CPU and memory of the worker together with its extractor processes, which do most of the work: the runtime's own
/// process metrics see only the worker. Exported as pdf_worker_cpu_seconds_total and pdf_worker_memory_bytes, what
/// the dashboard's "Worker CPU" and "Worker memory" panels read, so they need no cAdvisor scrape.
/// </summary>
public sealed class PodUsageMetrics
{
    public PodUsageMetrics(IMeterFactory meters, IDocumentExtractor extractor)
    {
        var meter = meters.Create(PdfAspireTelemetry.Name);
        meter.CreateObservableCounter("pdf_worker_cpu", () => CpuSeconds(extractor), unit: "s",
            description: "CPU time of the worker and its extractor processes, those that have exited included.");
        meter.CreateObservableGauge("pdf_worker_memory", () => ResidentBytes(extractor), unit: "By",
            description: "Resident memory of the worker and its live extractor processes.");
    }

    private static double CpuSeconds(IDocumentExtractor extractor)
    {
        using var self = Process.GetCurrentProcess();
        return (self.TotalProcessorTime + ExitedChildrenCpu() + extractor.CurrentUsage().Cpu).TotalSeconds;
    }

    private static long ResidentBytes(IDocumentExtractor extractor)
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 + extractor.CurrentUsage().ResidentBytes;
    }

    /// <summary>
    /// The CPU time of children the worker has waited for (replaced extractors), which the kernel adds to the parent's
    /// cutime and cstime (fields 16 and 17 of /proc/self/stat, in clock ticks of 1/100 s).
    /// </summary>
    private static TimeSpan ExitedChildrenCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }
        var stat = File.ReadAllText("/proc/self/stat");
        // The fields after the command name, which is in parentheses and may contain spaces; the first is field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[16 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[17 - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
