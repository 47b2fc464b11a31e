using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Testing;

/// <summary>How a <see cref="RedisPathWorker"/> settles a task it has taken and counted: delivered, retried, or a dead letter.</summary>
public abstract record Settlement
{
    public sealed record Delivered(TaskResult Result) : Settlement;

    public sealed record Retried(FailureCategory Category, string Message, DateTimeOffset DueAt) : Settlement;

    public sealed record DeadLettered(FailureCategory Category, string Message) : Settlement;
}

/// <summary>
/// A worker's Redis path with no document work, for measuring and testing what the queue costs Redis: a worker with
/// concurrency 1, the connections a worker process has (one multiplexed, one for the blocking take), its own id and
/// processing list, and the same calls in the same order — take (or the next task with the last one's outcome),
/// validate, count the attempt, settle, count the outcome — with the worker's own housekeeping once a second.
/// </summary>
public sealed class RedisPathWorker : IAsyncDisposable, IWorkerState
{
    private static readonly TimeSpan TakeWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

    private readonly ConnectionMultiplexer _redis;
    private readonly ConnectionMultiplexer _blocking;
    private readonly ServedBuckets _buckets;
    private readonly Func<ValidTask, TaskAttempt, Settlement> _settle;
    private readonly QueueLane _lane;
    private readonly RetryPromotion _promotion = new();
    private readonly PauseSwitch _pause = new();
    private readonly WorkerHousekeeping _housekeeping;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private string? _holding;

    private RedisPathWorker(ConnectionMultiplexer redis, ConnectionMultiplexer blocking, string id, QueueKeys keys, RetentionOptions retention,
        ServedBuckets buckets, Func<ValidTask, TaskAttempt, Settlement> settle)
    {
        (_redis, _blocking, Id, _buckets, _settle) = (redis, blocking, id, buckets, settle);
        _lane = new QueueLane(redis, new LaneSetting(keys.Pending, Weight: null), Options.Create(retention), TimeProvider.System);
        _housekeeping = new WorkerHousekeeping(_lane, _promotion, _pause, redis, TimeProvider.System, NullLogger<WorkerHousekeeping>.Instance);
    }

    public string Id { get; }

    /// <summary>
    /// Connects a worker that takes from <paramref name="keys"/>' queue as worker <paramref name="id"/>, keeps history by
    /// <paramref name="retention"/>, serves <paramref name="buckets"/>, and settles each task as <paramref name="settle"/>
    /// says (as the document work would have).
    /// </summary>
    public static async Task<RedisPathWorker> ConnectAsync(string redis, string id, QueueKeys keys, RetentionOptions retention, ServedBuckets buckets,
        Func<ValidTask, TaskAttempt, Settlement> settle) =>
        new(await ConnectionMultiplexer.ConnectAsync(redis), await ConnectionMultiplexer.ConnectAsync(redis), id, keys, retention, buckets, settle);

    public WorkerInfo Describe(QueueLane lane) => new(Id, Environment.MachineName, 1, _holding is null ? 0 : 1, _startedAt, _pause.IsPaused);

    public int HeldCount(QueueLane lane) => _holding is null ? 0 : 1;

    public int Holds(QueueLane lane, string payload) => payload == _holding ? 1 : 0;

    /// <summary>Takes and settles tasks until <paramref name="stop"/>; <paramref name="settled"/> is called as each one ends (delivered or dead).</summary>
    public async Task RunAsync(Action settled, CancellationToken stop)
    {
        var housekeeping = HousekeepAsync(stop);
        await _housekeeping.LeaseHeld.Task.WaitAsync(stop);
        var blocking = _blocking.GetDatabase();
        FetchedTask? next = null;
        while (!stop.IsCancellationRequested)
        {
            // As a worker's slot does: while work waits, the next task comes with the last one's outcome.
            var fetched = next ?? await _lane.Moves.TakeAsync(blocking, Id, TakeWait);
            if (fetched is null)
            {
                continue;
            }
            if (!fetched.Validate(_buckets, out var error))
            {
                throw new InvalidOperationException($"a {nameof(RedisPathWorker)} takes only valid tasks: {error}");
            }
            _holding = fetched.Payload;
            var attempt = await fetched.BeginAttemptAsync(DateTimeOffset.UtcNow);
            var takeNext = !stop.IsCancellationRequested;
            switch (_settle(fetched.Task, attempt))
            {
                case Settlement.Delivered(var result):
                    next = await fetched.AcknowledgeAsync(result, DateTimeOffset.UtcNow, takeNext);
                    _lane.Throughput.Delivered(result.PageCount, result.DurationMs);
                    settled();
                    break;
                case Settlement.Retried(var category, var message, var dueAt):
                    next = await fetched.ScheduleRetryAsync(category, message, dueAt, DateTimeOffset.UtcNow, takeNext);
                    _promotion.Expect(dueAt);
                    _lane.Throughput.Failed(category, deadLettered: false);
                    break;
                case Settlement.DeadLettered(var category, var message):
                    next = await fetched.DeadLetterAsync(new DeadLetter
                    {
                        TaskId = fetched.Task.TaskId, Payload = fetched.Payload, Category = category.WireName(), Message = message,
                        Attempts = attempt.Number, FileName = fetched.Task.FileName, ObjectKey = fetched.Task.ObjectKey, WorkerId = Id,
                        FailedAt = DateTimeOffset.UtcNow,
                    }, takeNext);
                    _lane.Throughput.Failed(category, deadLettered: true);
                    settled();
                    break;
            }
            _holding = null;
        }
        await housekeeping;
    }

    /// <summary>What the worker's LeaseKeeper does: the housekeeping once a second.</summary>
    private async Task HousekeepAsync(CancellationToken stop)
    {
        await _housekeeping.ListenForPauseAsync();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            await _housekeeping.TickAsync(this, LeaseTimeout);
        }
        while (await TickAsync(timer, stop));
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _blocking.DisposeAsync();
    }
}
