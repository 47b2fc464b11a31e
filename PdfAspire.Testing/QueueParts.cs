using Microsoft.Extensions.Options;
using PdfAspire.TaskQueue;
using StackExchange.Redis;

namespace PdfAspire.Testing;

/// <summary>The queue's parts as a worker or the admin builds them from settings, for a test or benchmark that drives the queue from outside.</summary>
public static class QueueParts
{
    /// <summary>The lanes of REDIS_QUEUE_NAME = <paramref name="name"/> and REDIS_QUEUE_LANES = <paramref name="lanes"/>.</summary>
    public static QueueLanes Lanes(IConnectionMultiplexer redis, string name = QueueOptions.DefaultName, string lanes = "", RetentionOptions? retention = null) =>
        new(redis, Options.Create(new QueueOptions { Name = name, Lanes = lanes }), Options.Create(retention ?? new RetentionOptions()), TimeProvider.System);

    public static QueueAdministration Administration(IConnectionMultiplexer redis, QueueLanes lanes) =>
        new(redis, lanes, new DeadLetterPages(redis, lanes), new ReplicaAcknowledgement(redis), TimeProvider.System);

    public static QueueInsights Insights(IConnectionMultiplexer redis, QueueLanes lanes) => new(redis, lanes, TimeProvider.System);
}
