using Microsoft.Extensions.DependencyInjection;
using PdfAspire.LocalInfrastructure;

namespace PdfAspire.AppHost.Infrastructure;

public static class QueueStoreExtensions
{
    /// <summary>The Redis that holds the task queue: Aspire's Redis container, or Debian's redis-server locally.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddQueueStore(
        this IDistributedApplicationBuilder builder, string name, RunMode mode, LocalPaths paths) =>
        mode == RunMode.Containers ? builder.AddContainerRedis(name) : builder.AddLocalRedis(name, paths);

    /// <summary>
    /// Aspire's Redis, with its generated password when run. Published, the password is left out of the manifest,
    /// because aspirate would write its value into a plain ConfigMap: deploy/k8s starts Redis with the password from
    /// the Kubernetes Secret and gives the same one to its clients.
    /// </summary>
    private static IResourceBuilder<RedisResource> AddContainerRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var redis = builder.AddRedis(name);
        return builder.ExecutionContext.IsPublishMode ? redis.WithPassword(null) : redis;
    }

    /// <summary>
    /// Gives a service the queue's connection string and waits for it. Only the connection string: Aspire's Redis
    /// would also inject REDIS_URI, whose URI-encoded password is an <c>annotated.string</c> in the manifest that
    /// aspirate cannot translate, and REDIS_PASSWORD, which the guide's Secret supplies in Kubernetes.
    /// </summary>
    public static IResourceBuilder<T> WithQueueStore<T>(this IResourceBuilder<T> service, IResourceBuilder<IResourceWithConnectionString> redis)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        service
            .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
            .WithReference(redis)
            .WaitThroughRestarts(redis);

    private static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, LocalPaths paths)
    {
        var redis = new LocalRedisResource(name, paths.StateFor(name));
        var healthCheckKey = $"{name}_check";
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct));
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("redis has no connection string yet"),
            name: healthCheckKey);

        // Loopback only and no password, as for any developer's local Redis; the append-only file written through on
        // every change, so a restart or a crash (SIGKILL) keeps every queue move.
        return builder.AddResource(redis)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context => context.AddAll(
                LocalCommands.RedisServerArgs(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort), redis.WorkingDirectory)))
            .WithHealthCheck(healthCheckKey);
    }
}
