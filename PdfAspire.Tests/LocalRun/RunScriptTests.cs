using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PdfAspire.Tests.Deployment;

namespace PdfAspire.Tests.LocalRun;

/// <summary>
/// <c>./run.sh</c> while another copy runs: the Aspire dashboard's fixed ports are taken. The script says in one line
/// which port and what to do, before any set-up, instead of the dashboard's page of Kestrel stack trace.
/// </summary>
public sealed class RunScriptTests
{
    [Theory]
    [InlineData(15180, "127.0.0.1")]
    [InlineData(20180, "::1")]
    public async Task ADashboardPortInUse_IsNamedInOneLine_BeforeAnythingStarts(int port, string address)
    {
        // Something else may hold the port already (another ./run.sh): then it is taken all the same.
        using var holder = TryHold(IPAddress.Parse(address), port);

        var (exitCode, output, errors) = await RunAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"port {port}", line, StringComparison.Ordinal);
        Assert.Contains("another ./run.sh", line, StringComparison.Ordinal);
    }

    private static TcpListener? TryHold(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            return null;
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(TimeSpan patience)
    {
        using var script = Process.Start(new ProcessStartInfo("bash", ["run.sh"])
        {
            WorkingDirectory = DeployPath.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await script.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // It went on to set up and start the system: the check let it through.
            script.Kill(entireProcessTree: true);
            Assert.Fail($"./run.sh did not stop on the taken port; it printed: {await output}{await errors}");
        }
        return (script.ExitCode, await output, await errors);
    }
}
