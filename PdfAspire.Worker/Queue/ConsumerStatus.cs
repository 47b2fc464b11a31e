using System.Collections.Concurrent;

namespace PdfAspire.Worker.Queue;

/// <summary>
/// What the consumer knows that the rest of the worker reads: where its loop is, and which payloads it is processing
/// now. The <see cref="QueueConsumer"/> alone writes it; the <see cref="LeaseKeeper"/> (the heartbeat's pause flag,
/// the stray check) and the health check read it. One shared object, so neither service depends on the other.
/// </summary>
public sealed class ConsumerStatus
{
    /// <summary>The payloads being processed, by lane, with how many copies of each (producers may repeat one).</summary>
    private readonly ConcurrentDictionary<(string Lane, string Payload), int> _holding = new();

    public ConsumerState State { get; set; } = ConsumerState.Starting;

    /// <summary>The lanes the consumer stopped taking from at its last take, because an operator paused them.</summary>
    public IReadOnlySet<string> StoppedLanes { get; set; } = new HashSet<string>();

    /// <summary>Whether the slot kept for the first lane (if any) saw that lane paused before its last wait.</summary>
    public bool ReservedLaneStopped { get; set; }

    /// <summary>
    /// Whether this worker takes nothing more from <paramref name="lane"/> until the pause is lifted: the main loop has
    /// stopped taking from it, and so has the slot kept for it, if it is that slot's lane.
    /// </summary>
    public bool HasStopped(string lane, string? reservedLane) =>
        (State == ConsumerState.Paused || StoppedLanes.Contains(lane)) && (lane != reservedLane || ReservedLaneStopped);

    public void Hold(string lane, string payload) => _holding.AddOrUpdate((lane, payload), 1, (_, copies) => copies + 1);

    public void Release(string lane, string payload)
    {
        _holding.AddOrUpdate((lane, payload), 0, (_, copies) => copies - 1);
        _holding.TryRemove(new KeyValuePair<(string, string), int>((lane, payload), 0));
    }

    /// <summary>How many copies of <paramref name="payload"/> from <paramref name="lane"/> this worker is processing now.</summary>
    public int Holds(string lane, string payload) => _holding.GetValueOrDefault((lane, payload));

    /// <summary>How many payloads of <paramref name="lane"/> this worker is processing now, copies counted.</summary>
    public int HeldCount(string lane) => _holding.Where(h => h.Key.Lane == lane).Sum(h => h.Value);
}
