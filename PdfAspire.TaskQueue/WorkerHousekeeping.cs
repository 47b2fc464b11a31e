using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>What a worker process tells its housekeeping about itself.</summary>
public interface IWorkerState
{
    /// <summary>The worker as its record in <paramref name="lane"/> shows it now (in flight, whether it has stopped taking from the lane for a pause).</summary>
    WorkerInfo Describe(QueueLane lane);

    /// <summary>How many payloads of <paramref name="lane"/> the worker is processing now, copies counted.</summary>
    int HeldCount(QueueLane lane);

    /// <summary>How many copies of <paramref name="payload"/> from <paramref name="lane"/> the worker is processing now.</summary>
    int Holds(QueueLane lane, string payload);
}

/// <summary>
/// A worker's housekeeping in one lane, one <see cref="TickAsync"/> a second, most of which ask Redis nothing. A heartbeat every
/// sixth of the lease renews the lease and, in the same round trip, reads what the rest acts on: the pause, the backlog,
/// the next retry's due time, whether another worker's lease has expired (then it reaps), whether this worker's
/// processing list holds more than it is working on (then it looks for strays), and whether task histories are over
/// their retention (then it trims). Due retries are promoted when they are due, not polled for; the worker's outcome
/// counts are flushed when there are some. An idle worker thus costs Redis one heartbeat script every few seconds,
/// besides its consumer's BLMOVE. Every worker runs this, so nothing depends on one process surviving.
/// </summary>
public sealed partial class WorkerHousekeeping(
    QueueLane lane,
    RetryPromotion promotion,
    PauseSwitch pause,
    IConnectionMultiplexer redis,
    TimeProvider clock,
    ILogger<WorkerHousekeeping> logger)
{
    private readonly QueueMoves _queue = lane.Moves;
    private readonly WorkerRegistry _registry = lane.Registry;
    private readonly TaskRetention _retention = lane.Retention;
    private readonly ThroughputCounter _throughput = lane.Throughput;

    /// <summary>How long one trimming pass may take: enough to keep up with any traffic, short enough not to delay a heartbeat.</summary>
    private static readonly TimeSpan TrimBudget = TimeSpan.FromMilliseconds(250);

    /// <summary>Entries of this worker's processing list it did not hold at the last check.</summary>
    private HashSet<string> _suspects = new(StringComparer.Ordinal);

    private DateTimeOffset _nextHeartbeat = DateTimeOffset.MinValue;
    private bool? _reportedPaused;

    /// <summary>The pending backlog as the last heartbeat read it.</summary>
    public long PendingLength { get; private set; }

    /// <summary>Completed once the worker's lease is in Redis: nothing may be taken before, or a crash would leave a list no reaper knows.</summary>
    public TaskCompletionSource LeaseHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Pause and resume reach an idle worker at once over pub/sub; each heartbeat re-reads the flag in case one was missed.</summary>
    public async Task ListenForPauseAsync()
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_queue.Keys.Control),
                (_, message) => pause.Set(message == PauseNote.PausedMessage));
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            // The client subscribes again when the connection comes back; heartbeats carry the flag meanwhile.
            LogFailed(e.Message);
        }
    }

    public async Task TickAsync(IWorkerState worker, TimeSpan leaseTimeout)
    {
        var now = clock.GetUtcNow();
        var info = worker.Describe(lane);
        if (now >= _nextHeartbeat || info.Paused != _reportedPaused)
        {
            await HeartbeatAsync(worker, info, now, leaseTimeout);
        }
        if (promotion.IsDue(now))
        {
            var (moved, nextDue) = await _queue.PromoteDueAsync(now);
            promotion.Reset(nextDue);
            if (moved > 0)
            {
                LogPromoted(moved);
            }
        }
        // Last: while Redis is full it refuses these counts, and that must not hold up the heartbeat above.
        await _throughput.FlushAsync();
    }

    private async Task HeartbeatAsync(IWorkerState worker, WorkerInfo info, DateTimeOffset now, TimeSpan leaseTimeout)
    {
        var heartbeat = await _registry.HeartbeatAsync(info, now, now + leaseTimeout, leaseTimeout);
        _nextHeartbeat = now + TimeSpan.FromSeconds(Math.Max(1, (int)leaseTimeout.TotalSeconds / 6));
        _reportedPaused = info.Paused;
        LeaseHeld.TrySetResult();
        pause.Set(heartbeat.Paused);
        PendingLength = heartbeat.Pending;
        promotion.Expect(heartbeat.NextRetryDue);
        if (heartbeat.SomeLeaseExpired && await _registry.ReapAsync(now, includeOrphans: false) is var returned and > 0)
        {
            LogReaped(returned);
        }
        await ReturnStraysAsync(worker, info.WorkerId, heartbeat.Held);
        if (_retention.IsDue(heartbeat.OldestHistory, heartbeat.Histories))
        {
            await _retention.TrimAsync(info.WorkerId, TrimBudget);
        }
    }

    /// <summary>
    /// The reaper returns the tasks of dead workers; this returns those a live one holds in Redis but not in memory.
    /// They appear when Redis restarts or a connection drops at the wrong moment: a BLMOVE done whose reply never
    /// came, or an acknowledgement that could not be written. Only when the list holds more than the worker is
    /// processing does it read the list; an entry counts as stray when two heartbeats in a row find it unheld, since
    /// a take is registered a moment after BLMOVE returns.
    /// </summary>
    private async Task ReturnStraysAsync(IWorkerState worker, string workerId, long listed)
    {
        if (listed <= worker.HeldCount(lane))
        {
            _suspects.Clear();
            return;
        }
        var unheld = (await _registry.HeldAsync(workerId))
            .GroupBy(payload => payload, StringComparer.Ordinal)
            .Where(copies => copies.Count() > worker.Holds(lane, copies.Key))
            .Select(copies => copies.Key)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var payload in unheld.Where(_suspects.Contains))
        {
            if (await _queue.ReturnStrayAsync(workerId, payload))
            {
                LogStrayReturned();
            }
        }
        _suspects = unheld;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} due retries back to pending")]
    private partial void LogPromoted(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Returned {Count} in-flight tasks of stopped workers to pending")]
    private partial void LogReaped(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Returned a task this worker held in Redis but no longer processed (a lost reply or acknowledgement) to pending")]
    private partial void LogStrayReturned();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not listen for pauses ({Reason}); heartbeats carry them meanwhile")]
    private partial void LogFailed(string reason);
}
