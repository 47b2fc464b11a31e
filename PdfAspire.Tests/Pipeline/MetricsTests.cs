using System.Diagnostics;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.Pipeline;

/// <summary>The worker's /metrics carries the operations guide's names (docs/guide.md), and they move as documented.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class MetricsTests(AppHostFixture system)
{
    [Fact]
    public async Task Metrics_CountProcessedAndFailedTasks_UnderTheGuidesNames()
    {
        // The AppHost's worker is the only one running while this collection's tests run one at a time.
        using var http = new HttpClient { BaseAddress = system.Endpoint("pdf-processor-worker", "metrics") };
        var ct = TestContext.Current.CancellationToken;
        var before = await http.GetStringAsync("/metrics", ct);

        var good = await system.Pipeline.SubmitAsync("metrics", Corpus.Generated("one", "two"));
        var bad = await system.Pipeline.SubmitAsync("metrics", "not a pdf at all"u8.ToArray(), "notes.txt");
        await system.Pipeline.WaitForResultsAsync([good], TimeSpan.FromMinutes(1));
        await system.Pipeline.WaitForDeadLetterAsync(bad, TimeSpan.FromMinutes(1));
        // Ingest stores the result just before the worker acknowledges it and counts it: wait for the count.
        const string notPdf = "category=\"not_pdf\",outcome=\"dead_letter\"";
        var after = await Eventually.ValueAsync(() => http.GetStringAsync("/metrics", ct),
            s => Exposition.Value(s, "pdf_tasks_processed_total") > Exposition.Value(before, "pdf_tasks_processed_total")
                && Exposition.Value(s, "pdf_tasks_failed_total", notPdf) > Exposition.Value(before, "pdf_tasks_failed_total", notPdf),
            TimeSpan.FromSeconds(30), "the processed and failed counters to move");

        Assert.Contains("# TYPE pdf_tasks_processed_total counter", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE pdf_tasks_failed_total counter", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE pdf_processing_duration_seconds histogram", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE pdf_queue_length gauge", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE pdf_ingest_request_duration_seconds histogram", after, StringComparison.Ordinal);
        Assert.True(Exposition.Value(after, "pdf_tasks_processed_total") - Exposition.Value(before, "pdf_tasks_processed_total") >= 1);
        Assert.True(Exposition.Value(after, "pdf_pages_processed_total") - Exposition.Value(before, "pdf_pages_processed_total") >= 2);
        Assert.True(Exposition.Value(after, "pdf_tasks_failed_total", notPdf) - Exposition.Value(before, "pdf_tasks_failed_total", notPdf) >= 1);
        Assert.True(Exposition.Value(after, "pdf_ingest_request_duration_seconds_count", "status=\"OK\"") >= 1);
    }

    [Fact]
    public async Task Exposition_PassesPromtoolCheckMetrics()
    {
        using var http = new HttpClient { BaseAddress = system.Endpoint("pdf-processor-worker", "metrics") };
        var exposition = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var promtool = Process.Start(start)!;
        await promtool.StandardInput.WriteAsync(exposition);
        promtool.StandardInput.Close();
        var findings = await promtool.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
            + await promtool.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await promtool.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(promtool.ExitCode == 0, $"promtool check metrics:\n{findings}");
    }
}
