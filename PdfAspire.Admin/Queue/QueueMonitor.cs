using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Admin.Queue;

/// <summary>
/// Reads the queue's counts from Redis once a second and tells the pages that show them. It reads Redis itself, so
/// the dashboard stays correct while every worker is down.
/// </summary>
public sealed partial class QueueMonitor(IConnectionMultiplexer redis, QueueKeys keys, ILogger<QueueMonitor> logger) : BackgroundService
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
            var db = redis.GetDatabase();
            var pending = db.ListLengthAsync(keys.Pending);
            var delayed = db.SortedSetLengthAsync(keys.Delayed);
            var dead = db.HashLengthAsync(keys.Dead);
            return new QueueSnapshot(await pending, await delayed, await dead, DateTimeOffset.UtcNow);
        }
        catch (RedisException e)
        {
            LogReadFailed(e.Message);
            return Current with { Error = "Redis is unreachable" };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the queue counts: {Reason}")]
    private partial void LogReadFailed(string reason);
}
