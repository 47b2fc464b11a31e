using Microsoft.Extensions.Configuration;

namespace PdfAspire.AppHost.Infrastructure;

public static class ServiceSettings
{
    /// <summary>
    /// Passes every key of the AppHost's configuration section <paramref name="section"/> to the service as an
    /// environment variable, so the worker's settings (MAX_ATTEMPTS, WORKER_CONCURRENCY, …) can be set for a local run
    /// or a test without editing code: <c>dotnet run --project PdfAspire.AppHost -- Worker:MAX_ATTEMPTS=5</c>.
    /// </summary>
    public static IResourceBuilder<T> WithSettingsFrom<T>(this IResourceBuilder<T> service, IConfiguration configuration, string section)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in configuration.GetSection(section).AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                service.WithEnvironment(key, value);
            }
        }
        return service;
    }

    /// <summary>
    /// The queue's settings, which the worker and the admin both read — its lanes and what Redis keeps of finished
    /// tasks: taken from the AppHost's own configuration (its environment included), so
    /// <c>REDIS_QUEUE_LANES=queue:interactive,queue:upload_tasks ./run.sh</c> reaches both. Published, they stay out of
    /// the manifest: the Kubernetes ConfigMap sets them.
    /// </summary>
    public static readonly string[] QueueSettings =
        ["REDIS_QUEUE_NAME", "REDIS_QUEUE_LANES", "TASK_HISTORY_RETENTION_SECONDS", "TASK_HISTORY_MAX_TASKS", "TASK_DETAILS_MAX_TASKS"];

    public static IResourceBuilder<T> WithQueueSettings<T>(this IResourceBuilder<T> service, IConfiguration configuration)
        where T : IResourceWithEnvironment
    {
        if (service.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return service;
        }
        foreach (var name in QueueSettings)
        {
            if (configuration[name] is { Length: > 0 } value)
            {
                service.WithEnvironment(name, value);
            }
        }
        return service;
    }
}
