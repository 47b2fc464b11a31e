namespace PdfAspire.TaskQueue;

/// <summary>One entry of a task's timeline, as the admin's task page and failure details show it.</summary>
public sealed record TaskEvent
{
    public required DateTimeOffset At { get; init; }
    public required string Kind { get; init; }
    public string? Worker { get; init; }
    public int? Attempt { get; init; }
    public string? Category { get; init; }
    public string? Message { get; init; }
    public long? DurationMs { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The payload an operator replaced when editing a dead letter before retrying it.</summary>
    public string? OriginalPayload { get; init; }

    /// <summary>The JSON name of <see cref="OriginalPayload"/>, which the RetryDead script fills in.</summary>
    public const string OriginalPayloadField = "original_payload";
}

/// <summary>Values of <see cref="TaskEvent.Kind"/>.</summary>
public static class TaskEventKinds
{
    public const string Queued = "queued";
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string RetryScheduled = "retry_scheduled";
    public const string DeadLettered = "dead_lettered";
    public const string RetriedByOperator = "retried_by_operator";
    public const string EditedByOperator = "edited_and_retried_by_operator";
}
