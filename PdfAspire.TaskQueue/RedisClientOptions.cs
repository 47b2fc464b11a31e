using StackExchange.Redis;

namespace PdfAspire.TaskQueue;

/// <summary>How every PdfAspire connection to the queue's Redis is configured, whoever makes it.</summary>
public static class RedisClientOptions
{
    /// <summary>
    /// How often, at most, the client re-reads which node serves what. StackExchange.Redis learns of a Redis Cluster
    /// failover from that check (a dead master sends no MOVED), by default every 60 s: measured, a lane stayed
    /// unavailable 50 s after its replica had taken over. 5 s bounds that at a few INFO/CLUSTER NODES calls a minute.
    /// </summary>
    public const int ConfigCheckSeconds = 5;

    /// <summary>Applies PdfAspire's settings over what the connection string says (a lower check interval there is kept).</summary>
    public static ConfigurationOptions ForQueue(this ConfigurationOptions options)
    {
        options.ConfigCheckSeconds = Math.Min(options.ConfigCheckSeconds, ConfigCheckSeconds);
        return options;
    }
}
