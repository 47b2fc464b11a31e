using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Which workers are alive: each renews a lease (<see cref="QueueKeys.Workers"/>) with a heartbeat hash, and any
/// worker returns the in-flight tasks of one whose lease expired to pending. A worker's processing list is only
/// ever emptied into pending here, by one atomic script.
/// </summary>
public sealed class WorkerRegistry(IConnectionMultiplexer redis, QueueKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Records that the worker is alive until <paramref name="leaseUntil"/>, with what the admin shows of it.</summary>
    public async Task RenewLeaseAsync(WorkerInfo worker, DateTimeOffset leaseUntil, TimeSpan leaseTimeout)
    {
        var tx = Db.CreateTransaction();
        _ = tx.SortedSetAddAsync(keys.Workers, worker.WorkerId, leaseUntil.ToUnixTimeMilliseconds());
        _ = tx.HashSetAsync(keys.Worker(worker.WorkerId),
        [
            new(WorkerRecordFields.Host, worker.Host),
            new(WorkerRecordFields.Concurrency, worker.Concurrency),
            new(WorkerRecordFields.InFlight, worker.InFlight),
            new(WorkerRecordFields.Paused, worker.Paused ? "1" : "0"),
            new(WorkerRecordFields.StartedAt, Stamps.Format(worker.StartedAt)),
            new(WorkerRecordFields.HeartbeatAt, Stamps.Format(leaseUntil - leaseTimeout)),
        ]);
        _ = tx.KeyExpireAsync(keys.Worker(worker.WorkerId), leaseTimeout * 2);
        await tx.ExecuteAsync();
    }

    /// <summary>
    /// Returns the in-flight tasks of every worker whose lease has expired to pending, and with
    /// <paramref name="includeOrphans"/> those of processing lists no worker owns (left by a worker that died before its
    /// first heartbeat). Finding orphans scans the keyspace, so callers do it rarely. Any worker may call this; the
    /// script makes concurrent calls safe.
    /// </summary>
    public async Task<int> ReapAsync(DateTimeOffset now, bool includeOrphans)
    {
        var orphans = includeOrphans ? await OrphanedListsAsync(now) : [];
        RedisValue[] args = [now.ToUnixTimeMilliseconds(), keys.ProcessingPrefix, keys.WorkerPrefix, .. orphans];
        return (int)await Db.ScriptEvaluateAsync(QueueScripts.ReapWorkers, [keys.Workers, keys.Pending], args);
    }

    /// <summary>On shutdown: returns what this worker could not finish to the front of pending and ends its lease.</summary>
    public async Task<int> ReleaseAsync(string workerId)
    {
        RedisValue[] args = [0, keys.ProcessingPrefix, keys.WorkerPrefix, workerId];
        return (int)await Db.ScriptEvaluateAsync(QueueScripts.ReapWorkers, [keys.Workers, keys.Pending], args);
    }

    /// <summary>What this worker's processing list holds, as Redis sees it.</summary>
    public async Task<IReadOnlyList<string>> HeldAsync(string workerId) =>
        [.. (await Db.ListRangeAsync(keys.Processing(workerId))).Select(v => (string)v!)];

    private async Task<List<RedisValue>> OrphanedListsAsync(DateTimeOffset now)
    {
        var live = (await Db.SortedSetRangeByScoreAsync(keys.Workers, now.ToUnixTimeMilliseconds(), double.PositiveInfinity))
            .Select(w => (string)w!).ToHashSet(StringComparer.Ordinal);
        var orphans = new List<RedisValue>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: keys.ProcessingPrefix + "*", pageSize: 500))
            {
                var worker = ((string)key!)[keys.ProcessingPrefix.Length..];
                if (!live.Contains(worker))
                {
                    orphans.Add(worker);
                }
            }
        }
        return orphans;
    }
}
