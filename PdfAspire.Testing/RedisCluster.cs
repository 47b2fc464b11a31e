using System.Diagnostics;
using System.Globalization;
using PdfAspire.LocalInfrastructure;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Testing;

/// <summary>
/// A real Redis Cluster of Debian's redis-server on loopback: <c>masters</c> masters with a replica each, made by
/// <c>redis-cli --cluster create</c> as an operator would. A node can be killed as a lost machine would be; its replica
/// is then promoted by the cluster itself (failure detection after <see cref="NodeTimeout"/>).
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    /// <summary>How long a node may be unreachable before the others count it failed and a replica takes over.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(2);

    private readonly string _state = Directory.CreateTempSubdirectory("pdfaspire-cluster-").FullName;
    private readonly string? _password;

    private RedisCluster(int nodes, string? password)
    {
        _password = password;
        Nodes = [.. Enumerable.Range(0, nodes).Select(i =>
        {
            var port = LoopbackPort.Free();
            var directory = Directory.CreateDirectory(Path.Combine(_state, $"node-{i}")).FullName;
            return new ClusterNode(port, new InfrastructureProcess($"redis-{port}", LocalCommands.RedisServer,
            [
                .. LocalCommands.RedisServerArgs(LocalSystem.Text(port), directory, durable: false, password).Select(a => (string)a),
                .. (password is null ? Array.Empty<string>() : ["--masterauth", password]),
                // The cluster bus on a port of its own: the default, the client port + 10,000, may be taken or past 65,535.
                "--dir", directory, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", LocalSystem.Text(LoopbackPort.Free()),
                "--cluster-node-timeout", LocalSystem.Text((int)NodeTimeout.TotalMilliseconds),
            ]));
        })];
    }

    public IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>A client of the whole cluster (admin commands allowed: the cluster is the caller's own).</summary>
    public ConnectionMultiplexer Redis { get; private set; } = null!;

    /// <summary>Every node (and the password, if any), as a StackExchange.Redis configuration string: what a worker is given.</summary>
    public string ConfigurationString => string.Join(',', Nodes.Select(n => n.Endpoint)) + (_password is null ? "" : $",password={_password}");

    /// <summary>Starts <paramref name="masters"/> masters and as many replicas, and waits until the cluster serves every slot.</summary>
    /// <param name="masters">How many masters (each gets a replica).</param>
    /// <param name="password">Every node requires it (requirepass), and replicas use it with their masters.</param>
    public static async Task<RedisCluster> StartAsync(int masters = 3, string? password = null)
    {
        var cluster = new RedisCluster(masters * 2, password);
        foreach (var node in cluster.Nodes)
        {
            node.Process.Start();
        }
        try
        {
            await LocalSystem.UntilAsync(() => Task.FromResult(cluster.Nodes.All(n => cluster.RedisCli(n.Port, "ping").Output.Trim() == "PONG")), "the cluster's nodes");
        }
        catch (TimeoutException e)
        {
            // The nodes that did start are stopped: nobody else holds this cluster to do it.
            var output = string.Join("\n", cluster.Nodes.Select(n => $"{n.Endpoint}: {n.Process.Output}"));
            await cluster.DisposeAsync();
            throw new TimeoutException($"{e.Message}:\n{output}", e);
        }
        var create = cluster.RedisCli(cluster.Nodes[0].Port, ["--cluster", "create", .. cluster.Nodes.Select(n => n.Endpoint), "--cluster-replicas", "1", "--cluster-yes"]);
        if (create.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed:\n{create.Output}");
        }
        await cluster.UntilHealthyAsync();
        var options = ConfigurationOptions.Parse(cluster.ConfigurationString).ForQueue();
        options.AllowAdmin = true;
        options.AbortOnConnectFail = false;
        cluster.Redis = await ConnectionMultiplexer.ConnectAsync(options);
        return cluster;
    }

    /// <summary>Waits until every live node sees every slot served (cluster_state:ok) and agrees on which node serves each.</summary>
    public Task UntilHealthyAsync() => LocalSystem.UntilAsync(() => Task.FromResult(Live.All(n =>
        RedisCli(n.Port, "cluster", "info").Output.Contains("cluster_state:ok", StringComparison.Ordinal))
        && Live.Select(n => MasterOf(n.Port, 0) + MasterOf(n.Port, 8000) + MasterOf(n.Port, 16383)).Distinct().Count() == 1), "the cluster to serve every slot");

    private IEnumerable<ClusterNode> Live => Nodes.Where(n => n.Process.IsRunning);

    /// <summary>The slot a key hashes to (the part in braces, when it has a hash tag).</summary>
    public int SlotOf(string key) => Redis.HashSlot(key);

    /// <summary>The node serving <paramref name="key"/>'s slot now, as the live nodes see it.</summary>
    public ClusterNode MasterOf(string key)
    {
        var endpoint = MasterOf(Live.First().Port, SlotOf(key));
        return Nodes.Single(n => n.Endpoint == endpoint);
    }

    /// <summary>Kills the master serving <paramref name="key"/> (SIGKILL, as a lost machine) and returns it.</summary>
    public async Task<ClusterNode> KillMasterOfAsync(string key)
    {
        var master = MasterOf(key);
        await master.Process.StopAsync(kill: true);
        return master;
    }

    /// <summary>Waits until the cluster has promoted a replica in place of <paramref name="lost"/>, which served <paramref name="key"/>, and serves every slot again.</summary>
    public async Task UntilFailedOverAsync(string key, ClusterNode lost)
    {
        await LocalSystem.UntilAsync(() => Task.FromResult(MasterOf(Live.First().Port, SlotOf(key)) is { Length: > 0 } master && master != lost.Endpoint),
            $"a replica to take over from {lost.Endpoint}");
        await UntilHealthyAsync();
    }

    /// <summary>Which node serves <paramref name="slot"/>, as the node on <paramref name="port"/> sees it ("host:port").</summary>
    private string MasterOf(int port, int slot)
    {
        foreach (var line in RedisCli(port, "cluster", "nodes").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // <id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot ranges...>
            var fields = line.Split(' ');
            if (!fields[2].Contains("master", StringComparison.Ordinal) || fields[2].Contains("fail", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var range in fields.Skip(8).Where(r => !r.StartsWith('[')))
            {
                var bounds = range.Split('-');
                if (int.Parse(bounds[0], CultureInfo.InvariantCulture) <= slot && slot <= int.Parse(bounds[^1], CultureInfo.InvariantCulture))
                {
                    return fields[1].Split('@')[0];
                }
            }
        }
        return "";
    }

    private (int ExitCode, string Output) RedisCli(int port, params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli", ["-h", LocalCommands.Loopback, "-p", LocalSystem.Text(port), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_password is not null)
        {
            // From the environment, not the command line, where any process could read it.
            start.Environment["REDISCLI_AUTH"] = _password;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    public async ValueTask DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        foreach (var node in Nodes)
        {
            await node.Process.DisposeAsync();
        }
        Directory.Delete(_state, recursive: true);
    }
}

/// <summary>One redis-server of a <see cref="RedisCluster"/>.</summary>
public sealed record ClusterNode(int Port, InfrastructureProcess Process)
{
    public string Endpoint => $"{LocalCommands.Loopback}:{LocalSystem.Text(Port)}";
}
