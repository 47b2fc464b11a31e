using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Processing;
using PdfAspire.Worker.Telemetry;
using StackExchange.Redis;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// Takes tasks from the lanes' pending lists into this worker's processing lists (LMOVE/BLMOVE, the reliable-list
/// pattern) as long as a concurrency slot is free, and hands each to the <see cref="TaskProcessor"/>. Each take tries
/// the lanes in order (priority, or a weighted draw) and waits on the first one only when all are empty, so an idle
/// worker makes one blocking call a second. A slot keeps going while work waits: a task's outcome takes the next one
/// from the same lane in the same Redis step when that lane comes first in the order anyway, and otherwise the slot
/// comes back here. With lanes in strict order, one more slot waits on the highest-priority lane alone
/// (<see cref="WorkerCapacity"/>), so a task pushed there starts at once, whatever the other slots are busy with. On
/// SIGTERM it stops taking, lets in-flight tasks finish within the grace period, and returns the rest to pending.
/// </summary>
public sealed partial class QueueConsumer(
    WorkerLanes lanes,
    ConsumerStatus status,
    BlockingRedisConnection blocking,
    TaskProcessor processor,
    WorkerIdentity worker,
    WorkerMetrics metrics,
    IOptions<ProcessingOptions> options,
    WorkerCapacity capacity,
    ILogger<QueueConsumer> logger) : BackgroundService
{
    /// <summary>How long one BLMOVE waits; bounds how quickly a stop is noticed when the queue is empty.</summary>
    private static readonly TimeSpan TakeWait = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly CancellationTokenSource _abortInFlight = new();
    private CancellationToken _stopping;

    private ConsumerState State
    {
        get => status.State;
        set => status.State = value;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var slots = new SemaphoreSlim(capacity.Shared);
        LogStarted(worker.Id, capacity.Shared, capacity.ReservesFirstLane ? $", and one kept for {lanes.All[0].Name}" : "");
        try
        {
            var connection = await blocking.ConnectAsync("pdfaspire-worker-fetch");
            // Until the first heartbeats, no reaper would know this worker's processing lists if it died.
            await lanes.LeaseHeld.WaitAsync(stoppingToken);
            if (capacity.ReservesFirstLane)
            {
                Track(RunReservedSlotAsync(lanes.All[0], await blocking.ConnectAsync("pdfaspire-worker-fetch-first-lane"), stoppingToken));
            }
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var taken = await TakeAsync(connection, stoppingToken);
                if (taken is null)
                {
                    slots.Release();
                    continue;
                }
                Track(RunSlotAsync(taken, slots));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // SIGTERM: stop taking tasks and drain below.
        }
        await DrainAsync();
    }

    private async Task<FetchedTask?> TakeAsync(IDatabase connection, CancellationToken stoppingToken)
    {
        try
        {
            // Checked before every take, and never while a BLMOVE is waiting: once this worker reports a lane Paused it
            // cannot take another task from it until the pause is lifted. The switches are in memory: a paused or idle
            // worker asks Redis nothing to find out.
            var order = lanes.TakeOrder();
            status.StoppedLanes = lanes.All.Where(l => l.Pause.IsPaused).Select(l => l.Name).ToHashSet();
            if (order.Count == 0)
            {
                if (State != ConsumerState.Paused)
                {
                    LogPaused();
                }
                State = ConsumerState.Paused;
                await Task.WhenAny(lanes.All.Select(l => l.Pause.WaitForResumeAsync(TakeWait, stoppingToken)));
                stoppingToken.ThrowIfCancellationRequested();
                return null;
            }
            if (State == ConsumerState.Paused)
            {
                // Leaving the pause: from the take below on, this worker can take a task, so it must stop reporting
                // Paused now, not once the take returns (a pause set meanwhile would otherwise read as already seen).
                State = ConsumerState.Consuming;
            }
            // The lane to wait on when all are empty: the first, unless a slot of its own already waits there.
            var waitOn = capacity.ReservesFirstLane && order.Count > 1 ? order[^1] : order[0];
            if (order.Count > 1 && await TryTakeInOrderAsync([.. order.Where(l => l != waitOn)]) is { } next)
            {
                State = ConsumerState.Consuming;
                return next;
            }
            // Every other lane is empty: wait on this one for a second.
            var taken = await waitOn.Lane.Moves.TakeAsync(connection, worker.Id, TakeWait);
            State = ConsumerState.Consuming;
            return taken;
        }
        catch (RedisServerException e) when (e.Message.StartsWith("OOM", StringComparison.Ordinal))
        {
            if (State != ConsumerState.RedisFull)
            {
                LogRedisFull();
            }
            State = ConsumerState.RedisFull;
            await Task.Delay(TakeWait, stoppingToken);
            return null;
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            if (State != ConsumerState.RedisUnavailable)
            {
                LogRedisUnavailable(e.Message);
            }
            State = ConsumerState.RedisUnavailable;
            await Task.Delay(TakeWait, stoppingToken);
            return null;
        }
    }

    /// <summary>
    /// Runs tasks in one slot: the one taken, then the next, until every lane is empty. A task's outcome takes the next
    /// task from its own lane in the same Redis step. In strict order the lanes above it are asked at the same time
    /// (pipelined, so no extra wait): a task found there goes first, the one the outcome took after it. In weighted
    /// order the lanes' order is drawn once per outcome, and only a lane drawn first takes with its outcome; otherwise
    /// the slot takes in the drawn order itself (drawing again would skew the shares towards the lane just served).
    /// </summary>
    private async Task RunSlotAsync(FetchedTask first, SemaphoreSlim slots)
    {
        var upcoming = new Queue<FetchedTask>([first]);
        try
        {
            while (upcoming.TryDequeue(out var task))
            {
                var order = lanes.TakeOrder();
                Task<FetchedTask?>? above = null;
                var taken = await RunAsync(task, () =>
                {
                    if (!MayTake || upcoming.Count > 0 || order.FirstOrDefault(l => l.Name == task.Lane) is not { } own || own.Pause.IsPaused)
                    {
                        return false;
                    }
                    if (lanes.Weighted)
                    {
                        return order[0] == own;
                    }
                    var higher = order.TakeWhile(l => l != own).ToList();
                    above = higher.Count > 0 ? TryTakeInOrderAsync(higher) : null;
                    return true;
                });
                if (above is not null && await above is { } fromAbove)
                {
                    upcoming.Enqueue(fromAbove);
                }
                if (taken is not null)
                {
                    upcoming.Enqueue(taken);
                }
                if (upcoming.Count == 0 && MayTake && await TryTakeInOrderAsync(order) is { } next)
                {
                    upcoming.Enqueue(next);
                }
                if (_stopping.IsCancellationRequested)
                {
                    // What is held but not begun stays in this worker's processing list: the drain returns it to pending.
                    break;
                }
            }
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            // Redis went away between tasks: the slot goes back to the main loop, which waits for it. Anything this
            // slot held is in the processing list still, returned by the stray check or the drain.
            LogRedisUnavailable(e.Message);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// The slot kept for the highest-priority lane: waits on it alone (BLMOVE, its own connection) and works through
    /// what arrives there, each outcome taking the next from the same lane, until stopping.
    /// </summary>
    private async Task RunReservedSlotAsync(WorkerLane first, IDatabase connection, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Seen before every wait, as the main loop does: once the worker reports the lane paused, this slot takes nothing from it.
                status.ReservedLaneStopped = first.Pause.IsPaused;
                if (first.Pause.IsPaused)
                {
                    await first.Pause.WaitForResumeAsync(TakeWait, stoppingToken);
                    continue;
                }
                for (var next = await first.Lane.Moves.TakeAsync(connection, worker.Id, TakeWait); next is not null;)
                {
                    next = await RunAsync(next, () => MayTake && !first.Pause.IsPaused);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (RedisFailure.IsOutage(e))
            {
                // Redis away or full: the main loop says so in the state and the log; this slot waits and tries again.
                await Task.Delay(TakeWait, CancellationToken.None);
            }
        }
    }

    /// <summary>Takes the first task waiting in <paramref name="order"/>'s lanes, without waiting (LMOVE each until one has one).</summary>
    private async Task<FetchedTask?> TryTakeInOrderAsync(IReadOnlyList<WorkerLane> order)
    {
        // A lane paused since the order was drawn is skipped: the worker may already report it paused.
        foreach (var lane in order.Where(l => !l.Pause.IsPaused))
        {
            if (await lane.Lane.Moves.TryTakeAsync(worker.Id) is { } next)
            {
                return next;
            }
        }
        return null;
    }

    /// <summary>
    /// Runs one task; its payload is marked held meanwhile, so the stray check leaves it alone. Its outcome takes the
    /// next task from its lane when <paramref name="takesNext"/>, asked as the outcome is written, says so.
    /// </summary>
    private async Task<FetchedTask?> RunAsync(FetchedTask fetched, Func<bool> takesNext)
    {
        metrics.TaskStarted();
        // Refused by its size alone, never decoded: no copy of a huge payload is made in this process.
        var held = fetched.IsOversized ? null : fetched.Payload;
        if (held is not null)
        {
            status.Hold(fetched.Lane, held);
        }
        try
        {
            await Task.Yield();
            return held is null
                ? await processor.RejectOversizedAsync(fetched, takesNext, _abortInFlight.Token)
                : await processor.ProcessAsync(fetched, takesNext, _abortInFlight.Token);
        }
        catch (Exception e)
        {
            // The outcome could not be written (Redis down, shutdown): the payload is still in this worker's
            // processing list, and goes back to pending on shutdown or through the reaper. Never fatal to the loop.
            LogOutcomeLost(e.GetType().Name, e.Message);
            return null;
        }
        finally
        {
            if (held is not null)
            {
                status.Release(fetched.Lane, held);
            }
            metrics.TaskEnded();
        }
    }

    /// <summary>Whether a slot may take another task: not once stopping, nor while Redis is in trouble or consumption paused.</summary>
    private bool MayTake => !_stopping.IsCancellationRequested && State == ConsumerState.Consuming;

    private void Track(Task work)
    {
        _inFlight[work] = true;
        _ = work.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task DrainAsync()
    {
        State = ConsumerState.Draining;
        var grace = options.Value.ShutdownGrace;
        var running = _inFlight.Keys.ToArray();
        LogDraining(running.Length, grace.TotalSeconds);
        var all = Task.WhenAll(running);
        if (await Task.WhenAny(all, Task.Delay(grace)) != all)
        {
            await _abortInFlight.CancelAsync();
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        var finished = running.Count(t => t.IsCompleted);
        try
        {
            var returned = 0;
            foreach (var lane in lanes.All)
            {
                returned += await lane.Lane.Registry.ReleaseAsync(worker.Id);
            }
            LogDrained(finished, running.Length - finished, returned);
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            // The lease will expire and another worker's reaper will return the tasks.
            LogReleaseFailed(e.Message);
        }
        State = ConsumerState.Stopped;
    }

    public override void Dispose()
    {
        _abortInFlight.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId} consuming with concurrency {Concurrency}{Reserved}")]
    private partial void LogStarted(string workerId, int concurrency, string reserved);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumption paused by an operator; in-flight tasks finish, no new ones are taken")]
    private partial void LogPaused();

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis is full (at its maxmemory, refusing writes): no task is taken until it has room; "
        + "tasks in flight keep their outcome until it can be written, so nothing is lost. Raise maxmemory or lower TASK_HISTORY_MAX_TASKS")]
    private partial void LogRedisFull();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable, will keep trying: {Reason}")]
    private partial void LogRedisUnavailable(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A task's outcome could not be written ({Error}: {Reason}); it stays in flight until returned")]
    private partial void LogOutcomeLost(string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: no new tasks; waiting up to {GraceSeconds} s for {InFlight} in flight")]
    private partial void LogDraining(int inFlight, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: {Finished} finished, {Unfinished} cut off, {Returned} returned to pending")]
    private partial void LogDrained(int finished, int unfinished, int returned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not return in-flight tasks on shutdown ({Reason}); the reaper will")]
    private partial void LogReleaseFailed(string reason);
}
