using Microsoft.Extensions.DependencyInjection;
using PdfAspire.LocalInfrastructure;

namespace PdfAspire.AppHost.Infrastructure;

public static class QueueStoreExtensions
{
    /// <summary>The setting that names a Redis the user already runs, as a StackExchange.Redis configuration string.</summary>
    public const string ExternalRedisSetting = "REDIS_CONNECTION";

    /// <summary>
    /// The Redis that holds the task queue: the user's own when <c>REDIS_CONNECTION</c> names one (a run only: a
    /// publish always describes the in-cluster Redis, which deploy/k8s's external-redis component replaces), else
    /// Aspire's Redis container, or Debian's redis-server locally.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddQueueStore(
        this IDistributedApplicationBuilder builder, string name, RunMode mode, LocalPaths paths) =>
        builder.ExternalRedis() is { } external ? builder.AddExternalRedis(name, external)
        : mode == RunMode.Containers ? builder.AddContainerRedis(name)
        : builder.AddLocalRedis(name, paths);

    /// <summary>The user's own Redis (REDIS_CONNECTION) when this is a run and one is named.</summary>
    public static string? ExternalRedis(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode && builder.Configuration[ExternalRedisSetting] is { Length: > 0 } external ? external.Trim() : null;

    /// <summary>
    /// A Redis the user runs: one node, every node of a cluster, a password, TLS, as StackExchange.Redis reads them. It
    /// is a secret parameter (it may hold the password); the services get it as their connection string, and nothing
    /// waits for it beyond answering PING.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddExternalRedis(this IDistributedApplicationBuilder builder, string name, string configuration)
    {
        var parameter = builder.AddParameter($"{name}-connection", configuration, secret: true);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(configuration, name: healthCheckKey);
        return builder.AddConnectionString(name, ReferenceExpression.Create($"{parameter}"))
            .WithHealthCheck(healthCheckKey);
    }

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
