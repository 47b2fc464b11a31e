namespace PdfAspire.Worker.Queue;

/// <summary>Where the consumer loop is; reported as a health check so WaitFor, probes and tests can rely on it.</summary>
public enum ConsumerState
{
    Starting,
    Consuming,

    /// <summary>An operator paused consumption; in-flight tasks finish, nothing new is taken.</summary>
    Paused,
    RedisUnavailable,

    /// <summary>Redis is at its maxmemory and refuses writes: nothing new is taken until it has room.</summary>
    RedisFull,
    Draining,
    Stopped,
}
