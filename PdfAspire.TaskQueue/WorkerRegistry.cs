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

    /// <summary>
    /// Records that the worker is alive until <paramref name="leaseUntil"/>, with what the admin shows of it, and reads
    /// in the same round trip everything the worker's housekeeping decides on (<see cref="Heartbeat"/>).
    /// </summary>
    public async Task<Heartbeat> HeartbeatAsync(WorkerInfo worker, DateTimeOffset now, DateTimeOffset leaseUntil, TimeSpan leaseTimeout)
    {
        RedisKey[] scriptKeys =
        [
            keys.Workers, keys.Worker(worker.WorkerId), keys.Paused, keys.Pending, keys.Delayed, keys.Processing(worker.WorkerId), keys.RecentTasks,
        ];
        RedisValue[] args =
        [
            worker.WorkerId, Stamps.Milliseconds(leaseUntil), Stamps.Milliseconds(now), (long)(leaseTimeout * 2).TotalMilliseconds,
            worker.Host, worker.Concurrency, worker.InFlight, worker.Paused ? "1" : "0", Stamps.Milliseconds(worker.StartedAt),
            Stamps.Milliseconds(now),
        ];
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(QueueScripts.Heartbeat, scriptKeys, args))!;
        return new Heartbeat((int)reply[0] == 1, (long)reply[1], Stamps.Parse((string?)reply[2]), (int)reply[3] > 0, (long)reply[4],
            Stamps.Parse((string?)reply[5]), (long)reply[6]);
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

/// <summary>What a worker's heartbeat read, for its housekeeping to act on.</summary>
/// <param name="Paused">An operator has paused consumption.</param>
/// <param name="Pending">Tasks waiting in the pending list.</param>
/// <param name="NextRetryDue">When the earliest retry in the delayed set is due; null when none waits.</param>
/// <param name="SomeLeaseExpired">At least one worker's lease has expired: its tasks are waiting for a reaper.</param>
/// <param name="Held">Entries in this worker's own processing list.</param>
/// <param name="OldestHistory">The last activity of the oldest task history; null when there is none.</param>
/// <param name="Histories">How many tasks have a history.</param>
public sealed record Heartbeat(bool Paused, long Pending, DateTimeOffset? NextRetryDue, bool SomeLeaseExpired, long Held,
    DateTimeOffset? OldestHistory, long Histories);
