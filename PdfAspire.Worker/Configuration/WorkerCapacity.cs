using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Configuration;

/// <summary>
/// How many documents this worker works on at once: WORKER_CONCURRENCY slots for every lane, and, with lanes in strict
/// order, one more kept for the highest-priority lane alone. Without it a task pushed there waits for a slot to finish
/// whatever bulk document it holds, however long that takes; with it, it starts at once. Extractors are sized to match.
/// </summary>
public sealed class WorkerCapacity(IOptions<ProcessingOptions> options, QueueLanes lanes)
{
    /// <summary>Slots that take from every lane, in order.</summary>
    public int Shared => options.Value.Concurrency;

    /// <summary>Whether one more slot is kept for the first lane (strict order, more than one lane).</summary>
    public bool ReservesFirstLane => lanes.All.Count > 1 && !lanes.Weighted;

    public int Total => Shared + (ReservesFirstLane ? 1 : 0);
}
