using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PdfAspire.TaskQueue;

public static class TaskQueueExtensions
{
    /// <summary>The Aspire connection name of the Redis resource.</summary>
    public const string ConnectionName = "redis";

    /// <summary>
    /// Connects to the queue's Redis (Aspire's connection string, or the guide's REDIS_URL and REDIS_PASSWORD) and
    /// registers the validated <see cref="QueueOptions"/> and <see cref="RetentionOptions"/>, the <see cref="QueueLanes"/>
    /// derived from them (each lane's keys, moves, histories), the queue's reads and operator actions, and a health check
    /// of Redis's eviction policy; moves an earlier version's keys to the lanes' (<see cref="LegacyKeyMigration"/>).
    /// </summary>
    public static TBuilder AddTaskQueue<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        RedisConnection.UseGuideVariables(builder.Configuration, ConnectionName);
        builder.AddRedisClient(ConnectionName, configureOptions: options => options.ForQueue());
        builder.Services.AddOptions<QueueOptions>()
            .BindConfiguration("")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration("")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<QueueLanes>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<QueueLanes>().AdminKeys);
        builder.Services.AddSingleton<RedisMemoryHealthCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisMemoryHealthCheck>());
        builder.Services.AddHealthChecks().AddCheck<RedisMemoryHealthCheck>(RedisMemoryHealthCheck.Name);
        builder.Services.AddSingleton<LegacyKeyMigration>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LegacyKeyMigration>());
        builder.Services.AddSingleton<ReplicaAcknowledgement>();
        builder.Services.AddSingleton<DeadLetterPages>();
        builder.Services.AddSingleton<QueueAdministration>();
        builder.Services.AddSingleton<QueueInsights>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
