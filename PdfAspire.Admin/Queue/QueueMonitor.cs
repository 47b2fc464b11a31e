using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Queue;

/// <summary>
/// Reads the queue's counts, its workers and what it costs Redis once a second while a page shows them, and tells
/// those pages: one poller for every open page instead of one per tab, and none while nobody looks (an admin with no
/// browser open asks Redis nothing). It reads Redis itself, so the dashboard stays right while every worker is down.
/// </summary>
public sealed partial class QueueMonitor(QueueInsights insights, ILogger<QueueMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Action<QueueSnapshot>? _changed;
    private TaskCompletionSource _watched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public QueueSnapshot Current { get; private set; } = QueueSnapshot.NotYetRead;

    /// <summary>Raised on a background thread after each read; subscribers marshal to their own context. Reading starts with the first subscriber.</summary>
    public event Action<QueueSnapshot>? Changed
    {
        add
        {
            lock (_lock)
            {
                _changed += value;
                _watched.TrySetResult();
            }
        }
        remove
        {
            lock (_lock)
            {
                _changed -= value;
                if (_changed is null)
                {
                    _watched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            Task watched;
            lock (_lock)
            {
                watched = _watched.Task;
            }
            await watched.WaitAsync(stoppingToken);
            Current = await ReadAsync();
            _changed?.Invoke(Current);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<QueueSnapshot> ReadAsync()
    {
        try
        {
            var workers = await insights.WorkersAsync();
            return new QueueSnapshot(await insights.CountsAsync(workers), workers, DateTimeOffset.UtcNow, await insights.RedisUsageAsync());
        }
        catch (Exception e) when (RedisFailure.IsOutage(e))
        {
            LogReadFailed(e.Message);
            return Current with { Error = "Redis is unreachable; the figures below are the last ones read." };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the queue: {Reason}")]
    private partial void LogReadFailed(string reason);
}
