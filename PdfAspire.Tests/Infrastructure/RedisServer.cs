using System.Diagnostics;
using System.Globalization;
using PdfAspire.LocalInfrastructure;
using PdfAspire.Testing;
using StackExchange.Redis;

namespace PdfAspire.Tests.Infrastructure;

/// <summary>A real redis-server of the component tests' own, on a free loopback port, without persistence.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    /// <summary>Where it listens, as a StackExchange.Redis configuration string (for more connections of one's own).</summary>
    public string Address { get; private set; } = "";

    /// <summary>The server itself (INFO, CONFIG): the tests own it, so admin commands are allowed on it.</summary>
    public IServer Server => Connection.GetServer(Connection.GetEndPoints()[0]);

    public async ValueTask InitializeAsync()
    {
        // A free port is free only until someone binds it: another test class's server may take it first, and this one
        // would then exit and leave its clients talking to that one, which its own tests may kill. So the server that
        // answers must be this process, or another port is tried.
        for (var attempt = 1; ; attempt++)
        {
            var portText = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);
            _process = Process.Start(new ProcessStartInfo(LocalCommands.RedisServer,
                [.. LocalCommands.RedisServerArgs(portText, "", durable: false).Select(a => (string)a)])
            {
                RedirectStandardOutput = true,
            })!;
            // Read, so that a server logging more than a pipe holds never blocks on its own output.
            _process.OutputDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            Address = $"127.0.0.1:{portText}";
            var options = ConfigurationOptions.Parse(Address);
            options.AbortOnConnectFail = false;
            options.AllowAdmin = true;
            Connection = await ConnectionMultiplexer.ConnectAsync(options);
            await Eventually.TrueAsync(async () => _process.HasExited
                    || (Connection.IsConnected && (await Connection.GetDatabase().PingAsync()) >= TimeSpan.Zero),
                TimeSpan.FromSeconds(30), "redis-server to answer PING");
            if (!_process.HasExited && await ServesAsync(_process.Id))
            {
                return;
            }
            await DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not get a port of its own in {attempt} attempts");
            }
        }
    }

    /// <summary>Whether the server answering on <see cref="Address"/> is the process <paramref name="processId"/>.</summary>
    private async Task<bool> ServesAsync(int processId)
    {
        var info = await Server.InfoAsync("server");
        return info.SelectMany(g => g).Any(e => e.Key == "process_id" && e.Value == processId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Kills the server, as a crash or a lost node would: clients see it gone mid-conversation.</summary>
    public void Kill()
    {
        _process?.Kill();
        _process?.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        _process?.Kill();
        _process?.Dispose();
    }
}
