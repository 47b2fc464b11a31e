using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>Which exceptions from a Redis call mean Redis could not be reached or answered, so the caller retries.</summary>
public static class RedisFailure
{
    /// <summary>
    /// Redis is away: the client's own failures (a RedisTimeoutException is a TimeoutException, not a RedisException),
    /// and a connection torn down while a command was being written.
    /// </summary>
    public static bool IsOutage(Exception e) => e is RedisException or RedisTimeoutException || IsTornConnection(e);

    /// <summary>
    /// StackExchange.Redis 2.x can let its pipe's own InvalidOperationException ("Writing is not allowed after writer was
    /// completed") escape to the caller when a connection fails mid-write, as when a Cluster master is killed: a lost
    /// connection like any other, not a bug of ours (StackExchange.Redis issue 2692; its 3.0 rewrite of the IO core
    /// addresses it).
    /// </summary>
    public static bool IsTornConnection(Exception e) =>
        e is InvalidOperationException { Source: "System.IO.Pipelines" }
        && e.StackTrace?.Contains("StackExchange.Redis.", StringComparison.Ordinal) == true;
}
