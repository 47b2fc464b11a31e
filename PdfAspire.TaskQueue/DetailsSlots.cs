using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>
/// Hands out the slots of the result details' ring (<see cref="QueueKeys.ResultDetails"/>) in order: each worker
/// reserves a block of <see cref="Block"/> from the shared counter at a time, so an acknowledgement spends no command
/// on counting, and the newest details still take over the oldest (within a block per worker).
/// </summary>
internal sealed class DetailsSlots(IConnectionMultiplexer redis, RedisKey counter)
{
    public const int Block = 64;

    private readonly Lock _lock = new();
    private long _next;
    private long _end;

    /// <summary>The next slot of a ring of <paramref name="ring"/> slots.</summary>
    public async ValueTask<long> NextAsync(int ring)
    {
        lock (_lock)
        {
            if (_next < _end)
            {
                return _next++ % ring;
            }
        }
        var end = await redis.GetDatabase().StringIncrementAsync(counter, Block);
        lock (_lock)
        {
            // Two tasks may reserve at once: the one that arrives second finds a fresh block and leaves its own unused.
            if (_next >= _end)
            {
                (_next, _end) = (end - Block, end);
            }
            return _next++ % ring;
        }
    }
}
