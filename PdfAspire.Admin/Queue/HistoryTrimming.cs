using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Queue;

/// <summary>
/// Trims each lane's task histories past their retention once a minute, so they go even while every worker is scaled to zero
/// (workers trim from their heartbeats; they all take turns, and this is one more).
/// </summary>
public sealed partial class HistoryTrimming(QueueLanes lanes, ILogger<HistoryTrimming> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var trimmer = $"admin-{Environment.MachineName}-{Environment.ProcessId}";
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var lane in lanes.All)
            {
                try
                {
                    await lane.Retention.TrimAsync(trimmer, Budget);
                }
                catch (Exception e) when (RedisFailure.IsOutage(e))
                {
                    LogFailed(lane.Name, e.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not trim task histories in lane {Lane}, will try again in a minute: {Reason}")]
    private partial void LogFailed(string lane, string reason);
}
