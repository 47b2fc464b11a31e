using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Worker.Processing;

/// <summary>
/// Writes a task's outcome (acknowledged, retry scheduled, dead letter) to Redis, and keeps trying while Redis is
/// away (restarting, loading its append-only file, a dropped connection), for as long as the worker runs. Meanwhile
/// the task stays held: this worker's stray check leaves it alone, and its lease, renewed as soon as Redis answers,
/// keeps other workers' reapers away. So a result ingest has already stored is acknowledged when Redis is back, not
/// processed and delivered again. Only the end of the shutdown grace period gives up (the reaper takes it from there).
/// </summary>
public sealed partial class OutcomeWriter(ILogger<OutcomeWriter> logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    private int _waiting;

    /// <summary>Outcomes waiting for Redis now, and why the last one could not be written (no address, no message text): what /health reports.</summary>
    public (int Outcomes, string? Reason) Waiting => (Volatile.Read(ref _waiting), LastReason);

    private string? LastReason { get; set; }

    public async Task<T> WriteAsync<T>(string outcome, string taskId, Func<Task<T>> write, CancellationToken abort)
    {
        var pause = FirstPause;
        var waiting = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var written = await write();
                    if (attempt > 1)
                    {
                        LogWritten(outcome, taskId, attempt);
                    }
                    return written;
                }
                catch (Exception e) when (IsRedisAway(e) && !abort.IsCancellationRequested)
                {
                    LastReason = e is RedisServerException { Message: var m } && m.StartsWith("OOM", StringComparison.Ordinal)
                        ? "Redis is full (at its maxmemory) and refuses writes"
                        : "Redis is unreachable or not serving yet";
                    if (!waiting)
                    {
                        waiting = true;
                        Interlocked.Increment(ref _waiting);
                        LogWaiting(outcome, taskId, e.Message);
                    }
                    await Task.Delay(pause, abort);
                    pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, pause.Ticks * 2));
                }
            }
        }
        finally
        {
            if (waiting)
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>
    /// Redis unreachable, not serving yet, or full (at its maxmemory, it refuses every move whole until trimming or an
    /// operator gives it room); a refused command (a wrong type, a script error) is not retried.
    /// </summary>
    public static bool IsRedisAway(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        _ when RedisFailure.IsTornConnection(e) => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("OOM", StringComparison.Ordinal),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is away; holding task {TaskId} until its outcome ({Outcome}) can be written: {Reason}")]
    private partial void LogWaiting(string outcome, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the outcome ({Outcome}) of task {TaskId} once Redis was back, at attempt {Attempt}")]
    private partial void LogWritten(string outcome, string taskId, int attempt);
}
