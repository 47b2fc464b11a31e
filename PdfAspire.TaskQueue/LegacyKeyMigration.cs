using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Moves what versions before lanes kept under a lane's plain name (<c>queue:upload_tasks:dead</c>) to its hash-tagged
/// keys (<c>{queue:upload_tasks}:dead</c>), so an upgrade loses no retry, dead letter, pause or history. Dead letters,
/// delayed retries, histories and counters are merged into the new keys (a new entry wins); in-flight lists of old
/// workers whose lease has expired go back to pending. It looks when a process starts and once a minute after (one
/// EXISTS per lane), so what old workers still write during a rolling upgrade moves over once they are gone. Only on a
/// standalone Redis: the old layout never ran on a cluster.
/// </summary>
public sealed partial class LegacyKeyMigration(IConnectionMultiplexer redis, QueueLanes lanes, TimeProvider clock, ILogger<LegacyKeyMigration> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                try
                {
                    await MigrateAsync();
                }
                catch (Exception e) when (RedisFailure.IsOutage(e))
                {
                    LogFailed(e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Moves every lane's old keys, if any are left. Returns how many keys moved.</summary>
    public async Task<int> MigrateAsync()
    {
        if (redis.GetServers().Any(s => s.ServerType == ServerType.Cluster))
        {
            return 0;
        }
        var moved = 0;
        foreach (var lane in lanes.All)
        {
            var old = new LegacyKeys(lane.Name);
            if (await redis.GetDatabase().KeyExistsAsync([.. old.Markers]) == 0)
            {
                continue;
            }
            var count = await MigrateAsync(lane.Keys, old);
            LogMigrated(count, lane.Name);
            moved += count;
        }
        return moved;
    }

    private async Task<int> MigrateAsync(QueueKeys keys, LegacyKeys old)
    {
        var db = redis.GetDatabase();
        var server = redis.GetServers().First(s => s.IsConnected && !s.IsReplica);
        var configured = lanes.All.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var moved = 0;
        foreach (var (from, to) in old.Fixed(keys))
        {
            moved += (int)await db.ScriptEvaluateAsync(Merge, [from, to]);
        }
        await foreach (var key in server.KeysAsync(pattern: old.Prefix + "*", pageSize: 1000))
        {
            var name = (string)key!;
            // A lane may be named like an old key of another ("queue:a:task:x"): a pending list is never moved.
            if (configured.Contains(name) || old.Target(name, keys) is not { } target)
            {
                continue;
            }
            moved += (int)await (target == keys.Pending
                ? db.ScriptEvaluateAsync(ReturnOrphan, [name, old.Workers, keys.Pending], [name[old.ProcessingPrefix.Length..], clock.GetUtcNow().ToUnixTimeMilliseconds()])
                : db.ScriptEvaluateAsync(Merge, [name, target]));
        }
        // The old workers' lease set goes once none of them is alive.
        await db.SortedSetRemoveRangeByScoreAsync(old.Workers, double.NegativeInfinity, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return moved;
    }

    /// <summary>
    /// KEYS: old key, new key. Renames the old key when the new one does not exist; otherwise merges a hash's fields
    /// and a sorted set's members that the new key lacks, and drops the old key.
    /// </summary>
    private const string Merge = """
        #!lua
        local kind = redis.call('TYPE', KEYS[1]).ok
        if kind == 'none' then return 0 end
        if redis.call('EXISTS', KEYS[2]) == 0 then
          redis.call('RENAME', KEYS[1], KEYS[2])
          return 1
        end
        if kind == 'hash' then
          local fields = redis.call('HGETALL', KEYS[1])
          for i = 1, #fields, 2 do redis.call('HSETNX', KEYS[2], fields[i], fields[i + 1]) end
        elseif kind == 'zset' then
          local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
          for i = 1, #members, 2 do redis.call('ZADD', KEYS[2], 'NX', members[i + 1], members[i]) end
        end
        redis.call('DEL', KEYS[1])
        return 1
        """;

    /// <summary>
    /// KEYS: an old worker's processing list, the old workers' lease set, pending. ARGV: the worker's id, now (ms).
    /// Returns the list's tasks to the front of pending unless that worker is still alive (its lease not expired).
    /// </summary>
    private const string ReturnOrphan = """
        #!lua
        local lease = redis.call('ZSCORE', KEYS[2], ARGV[1])
        if lease and tonumber(lease) > tonumber(ARGV[2]) then return 0 end
        while redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT') do end
        return 1
        """;

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} keys of an earlier version to lane {Lane}'s hash-tagged keys")]
    private partial void LogMigrated(int count, string lane);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for keys of an earlier version, will try again in a minute: {Reason}")]
    private partial void LogFailed(string reason);
}

/// <summary>A lane's keys as versions before lanes named them: its pending list's name, a colon, the key.</summary>
internal sealed record LegacyKeys(string Pending)
{
    public string Prefix => $"{Pending}:";

    public string ProcessingPrefix => $"{Prefix}processing:";

    public string Workers => $"{Prefix}workers";

    /// <summary>Keys of which at least one exists while anything of the old layout is left.</summary>
    public IEnumerable<RedisKey> Markers => [$"{Prefix}delayed", $"{Prefix}dead", Workers, $"{Prefix}paused", $"{Prefix}tasks:recent", $"{Prefix}tasks:index"];

    /// <summary>The old keys that have one name, with their new names.</summary>
    public IEnumerable<(RedisKey From, RedisKey To)> Fixed(QueueKeys keys) =>
    [
        ($"{Prefix}delayed", keys.Delayed), ($"{Prefix}dead", keys.Dead), ($"{Prefix}paused", keys.Paused),
        ($"{Prefix}tasks:recent", keys.RecentTasks), ($"{Prefix}tasks:index", keys.TaskIndex),
        ($"{Prefix}tasks:details", keys.ResultDetails), ($"{Prefix}tasks:details:next", keys.ResultDetailsNext),
    ];

    /// <summary>
    /// Where an old key of many goes: a task's record or timeline and a minute's counts to their new names, a worker's
    /// processing list to pending. Null for what is left alone (the fixed keys, worker records expiring on their own,
    /// the admin's keys, which kept their names).
    /// </summary>
    public string? Target(string key, QueueKeys keys)
    {
        var rest = key[Prefix.Length..];
        return rest switch
        {
            _ when rest.StartsWith("task:", StringComparison.Ordinal) => $"{keys.Tag}:{rest}",
            _ when rest.StartsWith("stats:", StringComparison.Ordinal) => $"{keys.Tag}:{rest}",
            _ when rest.StartsWith("processing:", StringComparison.Ordinal) => keys.Pending,
            _ => null,
        };
    }
}
