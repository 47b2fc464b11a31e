using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>One lane: a pending list and everything of it — keys, moves, task histories, workers' leases, retention and outcome counts.</summary>
public sealed class QueueLane
{
    public QueueLane(IConnectionMultiplexer redis, LaneSetting setting, IOptions<RetentionOptions> retention, TimeProvider clock)
    {
        Keys = new QueueKeys(setting.Name);
        Weight = setting.Weight ?? 1;
        History = new TaskHistory(redis, Keys);
        Moves = new QueueMoves(redis, Keys, History, retention);
        Registry = new WorkerRegistry(redis, Keys);
        Retention = new TaskRetention(redis, Keys, retention, clock);
        Throughput = new ThroughputCounter(redis, Keys, clock);
    }

    /// <summary>The pending list's name, which producers push to.</summary>
    public string Name => Keys.Pending;

    public int Weight { get; }
    public QueueKeys Keys { get; }
    public TaskHistory History { get; }
    public QueueMoves Moves { get; }
    public WorkerRegistry Registry { get; }
    public TaskRetention Retention { get; }
    public ThroughputCounter Throughput { get; }

    public override string ToString() => Name;
}

/// <summary>
/// The lanes workers take from (<see cref="QueueOptions.Lanes"/>), highest priority first, and in what order a take
/// tries them: strictly in priority order, or in a weighted shuffle (a lane of weight 3 comes first three times as
/// often as one of weight 1), as Sidekiq orders its queues. Each lane keeps its own keys, in its own hash slot.
/// </summary>
public sealed class QueueLanes
{
    public QueueLanes(IConnectionMultiplexer redis, IOptions<QueueOptions> options, IOptions<RetentionOptions> retention, TimeProvider clock)
    {
        var settings = options.Value.LaneSettings;
        All = [.. settings.Select(s => new QueueLane(redis, s, retention, clock))];
        Weighted = settings.All(s => s.Weight is not null) && settings.Count > 1;
        Default = All.FirstOrDefault(l => l.Name == options.Value.Name) ?? All[0];
        AdminKeys = new AdminKeys(options.Value.Name);
    }

    public IReadOnlyList<QueueLane> All { get; }

    public bool Weighted { get; }

    /// <summary>Where an upload goes unless the operator picks another: REDIS_QUEUE_NAME when it is a lane, else the first.</summary>
    public QueueLane Default { get; }

    public AdminKeys AdminKeys { get; }

    public QueueLane? Find(string name) => All.FirstOrDefault(l => l.Name == name);

    /// <summary>The lanes in the order the next take should try them.</summary>
    public IReadOnlyList<QueueLane> TakeOrder()
    {
        if (!Weighted)
        {
            return All;
        }
        // A weighted shuffle: each lane drawn in turn with probability proportional to its weight among those left.
        var left = All.ToList();
        var order = new List<QueueLane>(left.Count);
        while (left.Count > 0)
        {
            var draw = Random.Shared.Next(left.Sum(l => l.Weight));
            var chosen = left.First(l => (draw -= l.Weight) < 0);
            order.Add(chosen);
            left.Remove(chosen);
        }
        return order;
    }
}
