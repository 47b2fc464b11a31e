using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Processing;
using PdfAspire.Worker.Telemetry;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// Runs the worker's <see cref="WorkerHousekeeping"/> in each lane once a second — lease, pause, retries, reaping,
/// strays, retention, outcome counts — telling it what this process is doing, and keeps the backlog gauges current.
/// It keeps the leases alive while the consumer drains after SIGTERM.
/// </summary>
public sealed partial class LeaseKeeper(
    WorkerLanes lanes,
    ConsumerStatus consumer,
    WorkerIdentity worker,
    WorkerMetrics metrics,
    IOptions<ProcessingOptions> options,
    WorkerCapacity capacity,
    TimeProvider clock,
    ILogger<LeaseKeeper> logger) : BackgroundService, IWorkerState
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var lane in lanes.All)
        {
            await lane.Housekeeping.ListenForPauseAsync();
        }
        using var timer = new PeriodicTimer(Tick, clock);
        do
        {
            // After the consumer has released its lease on shutdown, renewing it would only leave a stale entry.
            if (consumer.State is ConsumerState.Stopped)
            {
                continue;
            }
            foreach (var lane in lanes.All)
            {
                try
                {
                    await lane.Housekeeping.TickAsync(this, options.Value.LeaseTimeout);
                    metrics.SetQueueLength(lane.Name, lane.Housekeeping.PendingLength);
                }
                catch (Exception e) when (RedisFailure.IsOutage(e))
                {
                    LogFailed(lane.Name, e.Message);
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public WorkerInfo Describe(QueueLane lane) => new(worker.Id, Environment.MachineName, capacity.Total, metrics.InFlight,
        worker.StartedAt, consumer.HasStopped(lane.Name, capacity.ReservesFirstLane ? lanes.All[0].Name : null));

    public int HeldCount(QueueLane lane) => consumer.HeldCount(lane.Name);

    public int Holds(QueueLane lane, string payload) => consumer.Holds(lane.Name, payload);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Housekeeping in lane {Lane} failed, will retry: {Reason}")]
    private partial void LogFailed(string lane, string reason);
}
