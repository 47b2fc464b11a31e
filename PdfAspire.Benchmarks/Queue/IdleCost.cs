using StackExchange.Redis;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>What real worker processes and a real admin cost Redis per second while nothing is queued.</summary>
public static class IdleCost
{
    public const int IdleWorkers = 2;

    public static async Task<IdleResult> MeasureAsync(LocalSystem system, IServer server, TimeSpan window)
    {
        await system.ResetAsync();
        // Redis's own housekeeping (its cron, the append-only file's fsyncs) costs it CPU with nobody connected: measured
        // first, and taken out of what the workers and the admin cost it.
        var alone = await WindowAsync(system, server, window, () => 0, 1, baseline: null);
        var workers = new List<WorkerProcess>();
        for (var i = 0; i < IdleWorkers; i++)
        {
            workers.Add(await system.StartWorkerAsync(concurrency: 2));
        }
        IdleLoad perWorker;
        try
        {
            perWorker = await WindowAsync(system, server, window, () => workers.Sum(w => w.CpuSeconds()), IdleWorkers, alone);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
        await using var admin = await AdminProcess.StartAsync(system);
        var perAdmin = await WindowAsync(system, server, window, () => ProcessCpu.Seconds(admin.ProcessId), 1, alone);
        return new IdleResult(perWorker, perAdmin, alone.RedisCpuMicrosecondsPerSecond, window);
    }

    /// <summary>
    /// Lets start-up settle, then counts over <paramref name="window"/>, per process; Redis's CPU less what it spends
    /// with nobody connected (<paramref name="baseline"/>).
    /// </summary>
    private static async Task<IdleLoad> WindowAsync(LocalSystem system, IServer server, TimeSpan window, Func<double> ownCpu, int processes,
        IdleLoad? baseline)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        var before = await RedisCounters.ReadAsync(server, system.RedisServer.Id);
        var cpuBefore = ownCpu();
        await Task.Delay(window);
        var used = (await RedisCounters.ReadAsync(server, system.RedisServer.Id)).Since(before);
        var seconds = window.TotalSeconds * processes;
        var redisCpu = used.CpuSeconds * 1e6 / window.TotalSeconds - (baseline?.RedisCpuMicrosecondsPerSecond ?? 0);
        return new IdleLoad(used.Commands / seconds, used.Reads / seconds, Math.Max(0, redisCpu) / processes, (ownCpu() - cpuBefore) * 1e3 / seconds,
            used.CallsByCommand.Where(c => c.Value > 0).OrderByDescending(c => c.Value)
                .ToDictionary(c => c.Key, c => c.Value / seconds));
    }
}

/// <param name="CommandsPerSecond">Redis commands executed per second (inside scripts and MULTI included).</param>
/// <param name="RoundTripsPerSecond">Requests Redis read per second.</param>
/// <param name="RedisCpuMicrosecondsPerSecond">redis-server CPU per second of wall time (beyond what it spends alone).</param>
/// <param name="OwnCpuMillisecondsPerSecond">The process's own CPU per second of wall time.</param>
/// <param name="CommandsPerSecondByName">Which commands, per second.</param>
public sealed record IdleLoad(double CommandsPerSecond, double RoundTripsPerSecond, double RedisCpuMicrosecondsPerSecond, double OwnCpuMillisecondsPerSecond,
    IReadOnlyDictionary<string, double> CommandsPerSecondByName);

/// <summary>The idle costs, and what Redis spends per second with nobody connected (already taken out of them).</summary>
public sealed record IdleResult(IdleLoad PerWorker, IdleLoad PerAdmin, double RedisAloneMicrosecondsPerSecond, TimeSpan Window);
