using System.Globalization;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What Redis says of its memory: how much it holds, its limit (0: none) and what it does at the limit. Anything but
/// <c>noeviction</c> lets Redis drop keys to make room — pending tasks and task histories included, silently — so
/// the worker and the admin report it as unhealthy.
/// </summary>
public sealed record RedisMemory(long UsedBytes, long MaxBytes, string Policy)
{
    public const string SafePolicy = "noeviction";

    public bool IsEvictionSafe => Policy == SafePolicy;

    /// <summary>What is wrong and how to fix it; null when the policy is safe.</summary>
    public string? EvictionProblem => IsEvictionSafe ? null
        : $"Redis's maxmemory-policy is {Policy}: when it reaches maxmemory it would silently delete queued tasks and task histories. "
          + $"Set maxmemory-policy {SafePolicy} (in redis.conf, with CONFIG SET maxmemory-policy {SafePolicy}, or in a managed Redis's parameter group).";

    /// <summary>
    /// Reads INFO memory from the Redis server that holds <paramref name="key"/>. Through a read-only script, which the
    /// client sends to that key's server without the admin mode its INFO command needs (and Redis runs while full).
    /// </summary>
    public static async Task<RedisMemory> ReadAsync(IConnectionMultiplexer redis, RedisKey key)
    {
        var text = (string)(await redis.GetDatabase().ScriptEvaluateAsync(InfoMemory, [key]))!;
        var info = text.Split('\n').Select(line => line.TrimEnd('\r').Split(':', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return new RedisMemory(Number(info, "used_memory"), Number(info, "maxmemory"), info.GetValueOrDefault("maxmemory_policy") ?? "unknown");
    }

    /// <summary>KEYS: any key of the queue (it picks the server). Returns INFO memory.</summary>
    private const string InfoMemory = """
        #!lua flags=no-writes,allow-oom
        return redis.call('INFO', 'memory')
        """;

    private static long Number(Dictionary<string, string> info, string name) =>
        long.TryParse(info.GetValueOrDefault(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
