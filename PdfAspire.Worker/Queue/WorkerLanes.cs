using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Worker.Queue;

/// <summary>This worker's side of one lane: whether it is paused, when its next retry is due, and its housekeeping there.</summary>
public sealed record WorkerLane(QueueLane Lane, PauseSwitch Pause, RetryPromotion Promotion, WorkerHousekeeping Housekeeping)
{
    public string Name => Lane.Name;
}

/// <summary>The lanes this worker takes from (<see cref="QueueLanes"/>), each with this worker's state in it.</summary>
public sealed class WorkerLanes
{
    private readonly QueueLanes _lanes;
    private readonly Dictionary<string, WorkerLane> _byName;

    public WorkerLanes(QueueLanes lanes, IConnectionMultiplexer redis, TimeProvider clock, ILoggerFactory loggers)
    {
        _lanes = lanes;
        All = [.. lanes.All.Select(lane =>
        {
            var pause = new PauseSwitch();
            var promotion = new RetryPromotion();
            return new WorkerLane(lane, pause, promotion,
                new WorkerHousekeeping(lane, promotion, pause, redis, clock, loggers.CreateLogger<WorkerHousekeeping>()));
        })];
        _byName = All.ToDictionary(l => l.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<WorkerLane> All { get; }

    /// <summary>Whether takes follow a weighted draw (every lane weighted) rather than strict priority.</summary>
    public bool Weighted => _lanes.Weighted;

    public WorkerLane this[string lane] => _byName[lane];

    /// <summary>Completed once this worker holds a lease in every lane: nothing may be taken before.</summary>
    public Task LeaseHeld => Task.WhenAll(All.Select(l => l.Housekeeping.LeaseHeld.Task));

    /// <summary>The lanes not paused, in the order the next take should try them (priority, or a weighted draw).</summary>
    public IReadOnlyList<WorkerLane> TakeOrder() => [.. _lanes.TakeOrder().Select(l => _byName[l.Name]).Where(l => !l.Pause.IsPaused)];
}
