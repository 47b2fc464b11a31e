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

    public async Task WriteAsync(string outcome, string taskId, Func<Task> write, CancellationToken abort)
    {
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                if (attempt > 1)
                {
                    LogWritten(outcome, taskId, attempt);
                }
                return;
            }
            catch (Exception e) when (IsRedisAway(e) && !abort.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    LogWaiting(outcome, taskId, e.Message);
                }
                await Task.Delay(pause, abort);
                pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, pause.Ticks * 2));
            }
        }
    }

    /// <summary>Redis unreachable or not serving yet; a refused command (a wrong type, a script error) is not retried.</summary>
    public static bool IsRedisAway(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is away; holding task {TaskId} until its outcome ({Outcome}) can be written: {Reason}")]
    private partial void LogWaiting(string outcome, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the outcome ({Outcome}) of task {TaskId} once Redis was back, at attempt {Attempt}")]
    private partial void LogWritten(string outcome, string taskId, int attempt);
}
