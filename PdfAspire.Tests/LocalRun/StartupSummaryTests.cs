using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PdfAspire.AppHost.LocalRun;
using PdfAspire.Tests.Infrastructure;

namespace PdfAspire.Tests.LocalRun;

/// <summary>What ./run.sh prints once everything is healthy tells a newcomer the truth, and its command works as pasted.</summary>
[Collection(SystemUnderTest.Name)]
public sealed class StartupSummaryTests(AppHostFixture system)
{
    [Fact]
    public async Task Summary_NamesWhereEverythingIs_AndItsPushCommandDeliversTheSample()
    {
        var summary = system.App.Services.GetRequiredService<StartupSummary>();
        var text = await summary.Printed.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Contains(system.Endpoint("pdf-admin", "http").ToString().TrimEnd('/'), text, StringComparison.Ordinal);
        Assert.Contains($"operator / {AppHostFixture.OperatorPassword}", text, StringComparison.Ordinal);
        Assert.Contains($"viewer / {AppHostFixture.ViewerPassword}", text, StringComparison.Ordinal);
        Assert.Contains(system.RedisConnectionString, text, StringComparison.Ordinal);
        Assert.Contains($"{system.Endpoint("go-ingest-service", "http").ToString().TrimEnd('/')}/results", text, StringComparison.Ordinal);
        Assert.Contains(system.Endpoint("minio", "api").ToString().TrimEnd('/'), text, StringComparison.Ordinal);

        // Pasted into a shell as printed: upload, queue, wait for ingest, print what it stored.
        var (exitCode, output) = await RunAsync(summary.PushCommand);

        Assert.True(exitCode == 0, output);
        Assert.Contains("PdfAspire sample document", output, StringComparison.Ordinal);
        Assert.Equal(1, (await system.Pipeline.ResultAsync("first-1"))!.Deliveries);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1));
        return (bash.ExitCode, await output + await error);
    }
}
