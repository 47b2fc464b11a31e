using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Processing;
using PdfAspire.Worker.Telemetry;
using StackExchange.Redis;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// The worker's housekeeping, once a second: renews its lease, moves due retries back to pending, reads the queue
/// length for the metrics, and every few seconds reaps the in-flight tasks of workers whose lease expired. Every
/// worker runs it, so nothing depends on one process surviving.
/// </summary>
public sealed partial class LeaseKeeper(
    QueueMoves queue,
    WorkerRegistry registry,
    TaskHistory history,
    ConsumerStatus consumer,
    WorkerIdentity worker,
    WorkerMetrics metrics,
    IOptions<ProcessingOptions> options,
    TimeProvider clock,
    ILogger<LeaseKeeper> logger) : BackgroundService
{
    private const int ReapEveryTicks = 5;

    /// <summary>Orphaned lists need a keyspace scan and come only from a worker that died in its first second.</summary>
    private const int ReapOrphansEveryTicks = 60;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <summary>Entries of this worker's processing list it did not hold at the last check.</summary>
    private HashSet<string> _suspects = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, clock);
        var tick = 0;
        do
        {
            // After the consumer has released its lease on shutdown, renewing it would only leave a stale entry.
            if (consumer.State is ConsumerState.Stopped)
            {
                continue;
            }
            var current = tick++;
            try
            {
                await HousekeepAsync(current % ReapEveryTicks == 0, current % ReapOrphansEveryTicks == 0);
            }
            catch (Exception e) when (e is RedisException or RedisTimeoutException)
            {
                LogFailed(e.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task HousekeepAsync(bool reap, bool reapOrphans)
    {
        var now = clock.GetUtcNow();
        var lease = options.Value.LeaseTimeout;
        var info = new WorkerInfo(worker.Id, Environment.MachineName, options.Value.Concurrency, metrics.InFlight, worker.StartedAt,
            consumer.State == ConsumerState.Paused);
        await registry.RenewLeaseAsync(info, now + lease, lease);
        var promoted = await queue.PromoteDueAsync(now);
        if (promoted > 0)
        {
            LogPromoted(promoted);
        }
        if (reap && await registry.ReapAsync(now, reapOrphans) is var returned and > 0)
        {
            LogReaped(returned);
        }
        if (reap)
        {
            await ReturnStraysAsync();
            await history.TrimAsync(now);
        }
        metrics.SetQueueLength(await queue.PendingLengthAsync());
    }

    /// <summary>
    /// The reaper returns the tasks of dead workers; this returns those a live one holds in Redis but not in memory.
    /// They appear when Redis restarts or a connection drops at the wrong moment: a BLMOVE done whose reply never
    /// came, or an acknowledgement that could not be written. An entry counts as stray only when two checks a few
    /// seconds apart both find it unheld, since a take is registered a moment after BLMOVE returns.
    /// </summary>
    private async Task ReturnStraysAsync()
    {
        var unheld = (await registry.HeldAsync(worker.Id))
            .GroupBy(payload => payload, StringComparer.Ordinal)
            .Where(copies => copies.Count() > consumer.Holds(copies.Key))
            .Select(copies => copies.Key)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var payload in unheld.Where(_suspects.Contains))
        {
            if (await queue.ReturnStrayAsync(worker.Id, payload))
            {
                LogStrayReturned();
            }
        }
        _suspects = unheld;
    }

    /// <summary>Keeps the lease alive while the consumer drains after SIGTERM; stops when the host stops this service.</summary>
    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} due retries back to pending")]
    private partial void LogPromoted(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Returned {Count} in-flight tasks of stopped workers to pending")]
    private partial void LogReaped(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Returned a task this worker held in Redis but no longer processed (a lost reply or acknowledgement) to pending")]
    private partial void LogStrayReturned();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Housekeeping failed, will retry: {Reason}")]
    private partial void LogFailed(string reason);
}
