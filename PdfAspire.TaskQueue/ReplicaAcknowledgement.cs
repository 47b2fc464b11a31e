using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Waits for a write to reach a replica (WAIT) where losing it in a failover would lose a task: an upload the admin
/// queued, a dead letter retried into another lane. Redis replicates asynchronously; a master that dies just after
/// answering can take its last writes with it, and a replica promoted in its place never had them. The queue's own
/// moves need none of this: each is one script, replicated whole or not at all, so a lost one only puts a task back
/// where it was. A Redis without replicas (one node) is not waited on.
/// </summary>
public sealed class ReplicaAcknowledgement(IConnectionMultiplexer redis)
{
    /// <summary>How long to wait for a replica before going on: a replica that slow is already a problem of its own.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ReplicasKnownFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (int Replicas, DateTimeOffset ReadAt)> _replicas = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits until the writes this client sent to <paramref name="key"/>'s master have reached a replica, if it has one.
    /// Returns how many replicas acknowledged (0 with none, or on the timeout).
    /// </summary>
    public async Task<long> WaitAsync(RedisKey key) => (await ConfirmAsync(key)).Acknowledged;

    /// <summary>
    /// As <see cref="WaitAsync"/>, and whether the writes are safe from a failover: a replica has them, or there is no
    /// replica to fail over to.
    /// </summary>
    public async Task<(bool Safe, long Acknowledged)> ConfirmAsync(RedisKey key)
    {
        var endpoint = await MasterOfAsync(key);
        if (await ReplicasAsync(key, endpoint) == 0)
        {
            return (true, 0);
        }
        try
        {
            // On the master's own connection, which carried the writes: WAIT counts this client's writes.
            var acknowledged = (long)await redis.GetServer(endpoint).ExecuteAsync("WAIT", 1, (long)Timeout.TotalMilliseconds);
            return (acknowledged > 0, acknowledged);
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            // The write went through, but whether a replica has it is unknown: not confirmed.
            return (false, 0);
        }
    }

    /// <summary>
    /// The master serving <paramref name="key"/>. Just after a failover the client may still map the slot to the lost
    /// master (a write it redirected went to the new one all the same): then it reads the cluster's layout again.
    /// </summary>
    private async Task<System.Net.EndPoint> MasterOfAsync(RedisKey key)
    {
        var endpoint = await redis.GetDatabase().IdentifyEndpointAsync(key) ?? redis.GetEndPoints()[0];
        if (!redis.GetServer(endpoint).IsConnected)
        {
            await redis.ConfigureAsync();
            endpoint = await redis.GetDatabase().IdentifyEndpointAsync(key) ?? endpoint;
        }
        return endpoint;
    }

    private async Task<int> ReplicasAsync(RedisKey key, System.Net.EndPoint endpoint)
    {
        var name = endpoint.ToString() ?? "";
        if (_replicas.TryGetValue(name, out var known) && DateTimeOffset.UtcNow - known.ReadAt < ReplicasKnownFor)
        {
            return known.Replicas;
        }
        var info = (string)(await redis.GetDatabase().ScriptEvaluateAsync(InfoReplication, [key]))!;
        var line = info.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith("connected_slaves:", StringComparison.Ordinal));
        var replicas = int.TryParse(line?["connected_slaves:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        _replicas[name] = (replicas, DateTimeOffset.UtcNow);
        return replicas;
    }

    /// <summary>KEYS: any key (it picks the master). Returns INFO replication, without the admin mode INFO needs.</summary>
    private const string InfoReplication = """
        #!lua flags=no-writes,allow-oom
        return redis.call('INFO', 'replication')
        """;
}
