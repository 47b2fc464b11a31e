using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Admin.Queue;

/// <summary>
/// Reads the queue's counts and workers from Redis once a second and tells the pages that show them: one poller for
/// every open page instead of one per tab. It reads Redis itself, so the dashboard stays right while every worker is down.
/// </summary>
public sealed partial class QueueMonitor(QueueInsights insights, ILogger<QueueMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public QueueSnapshot Current { get; private set; } = QueueSnapshot.NotYetRead;

    /// <summary>Raised on a background thread after each read; subscribers marshal to their own context.</summary>
    public event Action<QueueSnapshot>? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            Current = await ReadAsync();
            Changed?.Invoke(Current);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<QueueSnapshot> ReadAsync()
    {
        try
        {
            var workers = await insights.WorkersAsync();
            return new QueueSnapshot(await insights.CountsAsync(workers), workers, DateTimeOffset.UtcNow);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            LogReadFailed(e.Message);
            return Current with { Error = "Redis is unreachable; the figures below are the last ones read." };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the queue: {Reason}")]
    private partial void LogReadFailed(string reason);
}
