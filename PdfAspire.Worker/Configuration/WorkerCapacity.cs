using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;

namespace PdfAspire.Worker.Configuration;

/// <summary>
/// How much this worker works on at once. Tasks: WORKER_CONCURRENCY slots for every lane, and, with lanes in strict
/// order, one more kept for the highest-priority lane alone; without it a task pushed there waits for a slot to finish
/// whatever bulk document it holds, however long that takes. Extractors: EXTRACTOR_PROCESSES, fewer than the tasks by
/// default, since a task spends part of its time downloading and submitting; with the reserved slot, one more that
/// only the first lane's documents may take when it is the last one free.
/// </summary>
public sealed class WorkerCapacity(IOptions<ProcessingOptions> options, QueueLanes lanes)
{
    /// <summary>Slots that take from every lane, in order.</summary>
    public int Shared => options.Value.Concurrency;

    /// <summary>Whether one more slot is kept for the first lane (strict order, more than one lane).</summary>
    public bool ReservesFirstLane => lanes.All.Count > 1 && !lanes.Weighted;

    public int Total => Shared + Reserved;

    /// <summary>Extractor processes, the one kept for the first lane included.</summary>
    public int Extractors => (options.Value.ExtractorProcesses ?? Math.Min(Environment.ProcessorCount, Shared)) + Reserved;

    /// <summary>Task slots, and extractors, kept for the first lane alone: 1 with lanes in strict order, else 0.</summary>
    public int Reserved => ReservesFirstLane ? 1 : 0;

    /// <summary>Whether a document from <paramref name="lane"/> may take the extractor kept for the first lane.</summary>
    public bool IsFirstLane(string lane) => ReservesFirstLane && lane == lanes.All[0].Name;
}
