using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PdfAspire.Testing;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// The Prometheus scrape configuration finds the workers the overlays deploy, and the Grafana dashboard queries
/// metrics the worker really exports, in valid PromQL.
/// </summary>
[Collection(SystemUnderTest.Name)]
public sealed partial class MonitoringTests(AppHostFixture system)
{
    private static string Deploy => Path.Combine(DeployPath.RepositoryRoot, "deploy");

    [Fact]
    public async Task ScrapeConfig_PassesPromtool_AndKeepsExactlyTheWorkersMetricsPort()
    {
        var config = await File.ReadAllTextAsync(Path.Combine(Deploy, "prometheus", "prometheus.yml"), TestContext.Current.CancellationToken);
        // Debian's promtool is built without Kubernetes discovery; everything else is checked with a static target.
        var checkable = KubernetesDiscovery().Replace(config, "static_configs:\n      - targets: ['127.0.0.1:8000']\n");
        var (exitCode, output) = await PromtoolAsync(["check", "config"], "prometheus.yml", checkable);
        var worker = (await (await DeployPath.GetAsync()).RenderAsync("medium")).Deployment("pdf-processor-worker");

        Assert.True(exitCode == 0, output);
        Assert.Contains("regex: " + worker.Spec.Template.Metadata.Labels["app"], config, StringComparison.Ordinal);
        var metricsPort = worker.Spec.Template.Spec.Containers.Single().Ports.Single(p => p.ContainerPort == 8000);
        Assert.Contains("regex: " + metricsPort.Name, config, StringComparison.Ordinal);
        Assert.Equal("8000", worker.Spec.Template.Metadata.Annotations["prometheus.io/port"]);
    }

    /// <summary>
    /// On a system that has processed nothing yet: every counter and gauge a panel reads is exported (at zero), and a
    /// panel over a histogram, which has no series before its first measurement, says so instead of "No data".
    /// </summary>
    [Fact]
    public async Task Dashboard_HasTheGuidesPanels_InValidPromQl_OverMetricsAFreshWorkerExports()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Deploy, "grafana", "pdfaspire-dashboard.json"), TestContext.Current.CancellationToken));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var expressions = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        // A worker of its own on an empty queue of its own: nothing processed, nothing failed.
        await using var fresh = await WorkerProcess.StartAsync(system, "fresh", new Dictionary<string, string?> { ["REDIS_QUEUE_NAME"] = $"queue:fresh-{Guid.NewGuid():N}" });
        var exposition = await fresh.MetricsAsync();
        var exported = SampleName().Matches(exposition).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        var titles = panels.Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Subset(new HashSet<string?>(titles), new HashSet<string?> { "Processing rate", "Failure rate by category", "Queue length", "Worker CPU", "Worker memory", "Ingest gRPC latency" });
        foreach (var panel in panels)
        {
            var metrics = panel.GetProperty("targets").EnumerateArray().SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value)).ToList();
            var histograms = metrics.Where(m => m.EndsWith("_bucket", StringComparison.Ordinal) || m.EndsWith("_count", StringComparison.Ordinal)).ToList();
            Assert.All(metrics.Except(histograms), metric => Assert.True(exported.Contains(metric), $"{metric} is not exported by a fresh worker"));
            if (histograms.Count > 0)
            {
                Assert.True(panel.GetProperty("fieldConfig").GetProperty("defaults").TryGetProperty("noValue", out _),
                    $"panel {panel.GetProperty("title")} reads a histogram and shows \"No data\" until the first task");
            }
        }
        Assert.Equal(0, Exposition.Value(exposition, "pdf_tasks_processed_total"));
        Assert.True(Exposition.Value(exposition, "pdf_worker_cpu_seconds_total") > 0);
        Assert.True(Exposition.Value(exposition, "pdf_worker_memory_bytes") > 0);
        var rules = "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(expressions.Select((e, i) =>
            $"      - record: pdfaspire:panel_query_{i}\n        expr: {JsonSerializer.Serialize(e)}\n"));
        var (exitCode, output) = await PromtoolAsync(["check", "rules"], "rules.yml", rules);
        Assert.True(exitCode == 0, output);
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string[] command, string fileName, string content)
    {
        var folder = Directory.CreateTempSubdirectory("pdfaspire-promtool-").FullName;
        try
        {
            var path = Path.Combine(folder, fileName);
            await File.WriteAllTextAsync(path, content);
            var start = new ProcessStartInfo("promtool", [.. command, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var promtool = Process.Start(start)!;
            var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
            await promtool.WaitForExitAsync();
            return (promtool.ExitCode, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"kubernetes_sd_configs:\n(?:      .*\n)+")]
    private static partial Regex KubernetesDiscovery();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ", RegexOptions.Multiline)]
    private static partial Regex SampleName();

    [GeneratedRegex(@"\bpdf_[a-z_]+\b")]
    private static partial Regex MetricName();
}
