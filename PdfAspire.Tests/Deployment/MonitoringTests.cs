using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
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

    /// <summary>cAdvisor's container metrics, which the kubelet exports, not the worker.</summary>
    private static readonly string[] KubeletMetrics = ["container_cpu_usage_seconds_total", "container_memory_working_set_bytes"];

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

    [Fact]
    public async Task Dashboard_HasTheGuidesPanels_InValidPromQl_OverMetricsTheWorkerExports()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Deploy, "grafana", "pdfaspire-dashboard.json"), TestContext.Current.CancellationToken));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var expressions = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        using var http = new HttpClient { BaseAddress = system.Endpoint("pdf-processor-worker", "metrics") };
        // A task first, so every series the dashboard reads has been written at least once.
        var taskId = await system.Pipeline.SubmitAsync("dashboard", Corpus.Generated("for the dashboard"));
        await system.Pipeline.WaitForResultsAsync([taskId], TimeSpan.FromMinutes(1));
        var exported = SampleName().Matches(await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken))
            .Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        var titles = panels.Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Subset(new HashSet<string?>(titles), new HashSet<string?> { "Processing rate", "Failure rate by category", "Queue length", "Worker CPU", "Worker memory", "Ingest gRPC latency" });
        var used = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().ToList();
        Assert.All(used.Where(m => !KubeletMetrics.Contains(m)), metric => Assert.True(exported.Contains(metric), $"{metric} is not exported by the worker"));
        Assert.Contains(used, m => m.StartsWith("pdf_tasks_failed_total", StringComparison.Ordinal));
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

    [GeneratedRegex(@"\b(pdf|container)_[a-z_]+\b")]
    private static partial Regex MetricName();
}
