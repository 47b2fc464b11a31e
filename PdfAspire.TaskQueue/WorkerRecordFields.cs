namespace PdfAspire.TaskQueue;

/// <summary>The fields of a worker's hash (<see cref="QueueKeys.Worker"/>): written with each heartbeat, read by the admin.</summary>
public static class WorkerRecordFields
{
    public const string Host = "host";
    public const string Concurrency = "concurrency";
    public const string InFlight = "in_flight";
    public const string Paused = "paused";
    public const string StartedAt = "started_at";
    public const string HeartbeatAt = "heartbeat_at";
}

/// <summary>
/// What a worker publishes about itself with each heartbeat. <c>Paused</c> is true once the worker has seen the
/// pause and will take nothing more until it is lifted.
/// </summary>
public sealed record WorkerInfo(string WorkerId, string Host, int Concurrency, int InFlight, DateTimeOffset StartedAt, bool Paused);
