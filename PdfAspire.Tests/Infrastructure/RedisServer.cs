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
        var portText = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);
        _process = Process.Start(new ProcessStartInfo(LocalCommands.RedisServer,
            [.. LocalCommands.RedisServerArgs(portText, "", durable: false).Select(a => (string)a)])
        {
            RedirectStandardOutput = true,
        })!;
        Address = $"127.0.0.1:{portText}";
        var options = ConfigurationOptions.Parse(Address);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true;
        Connection = await ConnectionMultiplexer.ConnectAsync(options);
        await Eventually.TrueAsync(async () => Connection.IsConnected && (await Connection.GetDatabase().PingAsync()) >= TimeSpan.Zero,
            TimeSpan.FromSeconds(30), "redis-server to answer PING");
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
