using System.Collections.Concurrent;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// What the consumer knows that the rest of the worker reads: where its loop is, and which payloads it is processing
/// now. The <see cref="QueueConsumer"/> alone writes it; the <see cref="LeaseKeeper"/> (the heartbeat's pause flag,
/// the stray check) and the health check read it. One shared object, so neither service depends on the other.
/// </summary>
public sealed class ConsumerStatus
{
    /// <summary>The payloads being processed, with how many copies of each (producers may repeat one).</summary>
    private readonly ConcurrentDictionary<string, int> _holding = new(StringComparer.Ordinal);

    public ConsumerState State { get; set; } = ConsumerState.Starting;

    public void Hold(string payload) => _holding.AddOrUpdate(payload, 1, (_, copies) => copies + 1);

    public void Release(string payload)
    {
        _holding.AddOrUpdate(payload, 0, (_, copies) => copies - 1);
        _holding.TryRemove(new KeyValuePair<string, int>(payload, 0));
    }

    /// <summary>How many copies of <paramref name="payload"/> this worker is processing now.</summary>
    public int Holds(string payload) => _holding.GetValueOrDefault(payload);

    /// <summary>How many payloads this worker is processing now, copies counted.</summary>
    public int HeldCount => _holding.Values.Sum();
}
