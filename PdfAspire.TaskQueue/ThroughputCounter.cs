using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// A worker's outcomes per minute, counted in memory and added to Redis's per-minute counters
/// (<see cref="ThroughputStats"/>) in one round trip a second, not three commands a task: the overview's charts lag by
/// at most a flush, and a worker that dies loses at most its last second of counts (never a task).
/// </summary>
public sealed class ThroughputCounter(IConnectionMultiplexer redis, QueueKeys keys, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private Dictionary<(long Minute, string Field), long> _counts = [];

    public void Delivered(int pages, long durationMs)
    {
        var minute = ThroughputStats.MinuteOf(clock.GetUtcNow());
        lock (_lock)
        {
            Add(minute, ThroughputStats.Processed, 1);
            Add(minute, ThroughputStats.Pages, pages);
            Add(minute, ThroughputStats.LatencyField(durationMs), 1);
        }
    }

    /// <summary>A failed attempt (retried, or a dead letter when <paramref name="deadLettered"/>).</summary>
    public void Failed(FailureCategory category, bool deadLettered)
    {
        var minute = ThroughputStats.MinuteOf(clock.GetUtcNow());
        lock (_lock)
        {
            Add(minute, ThroughputStats.Failed, 1);
            Add(minute, ThroughputStats.FailedIn(category.WireName()), 1);
            if (deadLettered)
            {
                Add(minute, ThroughputStats.DeadLettered, 1);
            }
        }
    }

    /// <summary>Adds what was counted since the last flush to Redis; on failure the counts are kept for the next one.</summary>
    public async Task FlushAsync()
    {
        Dictionary<(long Minute, string Field), long> counts;
        lock (_lock)
        {
            if (_counts.Count == 0)
            {
                return;
            }
            (counts, _counts) = (_counts, []);
        }
        try
        {
            var tx = redis.GetDatabase().CreateTransaction();
            foreach (var minute in counts.GroupBy(c => c.Key.Minute))
            {
                var key = keys.Stats(minute.Key);
                foreach (var ((_, field), by) in minute)
                {
                    _ = tx.HashIncrementAsync(key, field, by);
                }
                _ = tx.KeyExpireAsync(key, ThroughputStats.Retention);
            }
            await tx.ExecuteAsync();
        }
        catch
        {
            lock (_lock)
            {
                foreach (var (key, by) in counts)
                {
                    _counts[key] = _counts.GetValueOrDefault(key) + by;
                }
            }
            throw;
        }
    }

    private void Add(long minute, string field, long by) => _counts[(minute, field)] = _counts.GetValueOrDefault((minute, field)) + by;
}
