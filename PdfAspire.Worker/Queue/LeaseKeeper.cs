using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Processing;
using PdfAspire.Worker.Telemetry;
using StackExchange.Redis;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// Runs the worker's <see cref="WorkerHousekeeping"/> once a second — lease, pause, retries, reaping, strays,
/// retention, outcome counts — telling it what this process is doing, and keeps the backlog gauge current. It keeps
/// the lease alive while the consumer drains after SIGTERM.
/// </summary>
public sealed partial class LeaseKeeper(
    WorkerHousekeeping housekeeping,
    ConsumerStatus consumer,
    WorkerIdentity worker,
    WorkerMetrics metrics,
    IOptions<ProcessingOptions> options,
    TimeProvider clock,
    ILogger<LeaseKeeper> logger) : BackgroundService, IWorkerState
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await housekeeping.ListenForPauseAsync();
        using var timer = new PeriodicTimer(Tick, clock);
        do
        {
            // After the consumer has released its lease on shutdown, renewing it would only leave a stale entry.
            if (consumer.State is ConsumerState.Stopped)
            {
                continue;
            }
            try
            {
                await housekeeping.TickAsync(this, options.Value.LeaseTimeout);
                metrics.SetQueueLength(housekeeping.PendingLength);
            }
            catch (Exception e) when (e is RedisException or RedisTimeoutException)
            {
                LogFailed(e.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public WorkerInfo Describe() => new(worker.Id, Environment.MachineName, options.Value.Concurrency, metrics.InFlight, worker.StartedAt,
        consumer.State == ConsumerState.Paused);

    public int HeldCount => consumer.HeldCount;

    public int Holds(string payload) => consumer.Holds(payload);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Housekeeping failed, will retry: {Reason}")]
    private partial void LogFailed(string reason);
}
