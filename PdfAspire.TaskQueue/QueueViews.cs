namespace PdfAspire.TaskQueue;

/// <summary>The queue's counts at one moment. <see cref="InFlight"/> sums the processing lists of the workers in the lease set.</summary>
public sealed record QueueCounts(long Pending, long InFlight, long Delayed, long Dead, string? PausedBy)
{
    public bool Paused => PausedBy is not null;
}

/// <summary>A worker as its lease and heartbeat describe it; <see cref="LeaseExpired"/> workers are awaiting the reaper.</summary>
public sealed record WorkerStatus(
    string WorkerId, string Host, int Concurrency, long InFlight, bool Paused, DateTimeOffset? StartedAt,
    TimeSpan? HeartbeatAge, bool LeaseExpired);

/// <summary>Tasks finished and failed in one minute.</summary>
public sealed record ThroughputPoint(DateTimeOffset Minute, long Processed, long Failed);

/// <summary>One row of a task search or of the recent tasks.</summary>
public sealed record TaskSummary(string TaskId, string FileName, string Status, int Attempts, DateTimeOffset? LastStartedAt, string? LastErrorCategory);

/// <summary>Everything known about one task: its history record, its timeline and, if it is one, its dead letter.</summary>
public sealed record TaskDetails(string TaskId, TaskRecord Record, IReadOnlyList<TaskEvent> Events, DeadLetter? DeadLetter);
