using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PdfAspire.TaskQueue;

public static class TaskQueueExtensions
{
    /// <summary>The Aspire connection name of the Redis resource.</summary>
    public const string ConnectionName = "redis";

    /// <summary>
    /// Connects to the queue's Redis (Aspire's connection string, or the guide's REDIS_URL and REDIS_PASSWORD) and
    /// registers the validated <see cref="QueueOptions"/> and <see cref="RetentionOptions"/>, the <see cref="QueueKeys"/>
    /// derived from them, the queue's moves and reads, and a health check of Redis's eviction policy.
    /// </summary>
    public static TBuilder AddTaskQueue<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        RedisConnection.UseGuideVariables(builder.Configuration, ConnectionName);
        builder.AddRedisClient(ConnectionName);
        builder.Services.AddOptions<QueueOptions>()
            .BindConfiguration("")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration("")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new QueueKeys(sp.GetRequiredService<IOptions<QueueOptions>>().Value.Name));
        builder.Services.AddSingleton<TaskHistory>();
        builder.Services.AddSingleton<TaskRetention>();
        builder.Services.AddSingleton<ThroughputCounter>();
        builder.Services.AddSingleton<RedisMemoryHealthCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisMemoryHealthCheck>());
        builder.Services.AddHealthChecks().AddCheck<RedisMemoryHealthCheck>(RedisMemoryHealthCheck.Name);
        builder.Services.AddSingleton<QueueMoves>();
        builder.Services.AddSingleton<WorkerRegistry>();
        builder.Services.AddSingleton<QueueAdministration>();
        builder.Services.AddSingleton<QueueInsights>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
