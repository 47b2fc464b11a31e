using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// /health fails while Redis may evict keys (<see cref="RedisMemory.EvictionProblem"/> says which setting, and the
/// fix), and says how full it is otherwise. The service's start logs the same once, without holding the start up.
/// </summary>
public sealed partial class RedisMemoryHealthCheck(IConnectionMultiplexer redis, QueueLanes lanes, ILogger<RedisMemoryHealthCheck> logger)
    : IHealthCheck, IHostedService
{
    public const string Name = "redis-memory";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var memory = await ReadAsync();
            return memory.EvictionProblem is { } problem
                ? HealthCheckResult.Unhealthy(problem)
                : HealthCheckResult.Healthy($"{RedisMemory.SafePolicy}, {Describe(memory)}");
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            return HealthCheckResult.Unhealthy("Redis did not answer INFO memory");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = LogAtStartAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Logs at start what /health will say, so a wrong policy is in the first lines of the log.</summary>
    private async Task LogAtStartAsync()
    {
        try
        {
            var memory = await ReadAsync();
            if (memory.EvictionProblem is { } problem)
            {
                LogUnsafe(problem);
            }
            else
            {
                var described = Describe(memory);
                LogSafe(described);
            }
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            LogUnread(e.Message);
        }
    }

    /// <summary>Every lane's Redis (in a cluster, each lane's master): the first with an eviction problem, else the fullest.</summary>
    private async Task<RedisMemory> ReadAsync()
    {
        var all = await Task.WhenAll(lanes.All.Select(l => RedisMemory.ReadAsync(redis, l.Keys.Pending)));
        return all.FirstOrDefault(m => !m.IsEvictionSafe) ?? all.MaxBy(m => m.MaxBytes > 0 ? (double)m.UsedBytes / m.MaxBytes : 0)!;
    }

    private static string Describe(RedisMemory memory) => memory.MaxBytes > 0
        ? $"{memory.UsedBytes / 1048576.0:0.0} MiB used of maxmemory {memory.MaxBytes / 1048576.0:0.0} MiB"
        : $"{memory.UsedBytes / 1048576.0:0.0} MiB used, no maxmemory";

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    private partial void LogUnsafe(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis evicts nothing (maxmemory-policy noeviction): {Memory}")]
    private partial void LogSafe(string memory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read Redis's memory settings at start ({Reason}); /health will")]
    private partial void LogUnread(string reason);
}
