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
    /// The settings that bound what Redis keeps, which the worker and the admin both read: taken from the AppHost's own
    /// configuration (its environment included), so <c>TASK_HISTORY_MAX_TASKS=100000 ./run.sh</c> reaches both.
    /// Published, they stay out of the manifest: the Kubernetes ConfigMap sets them.
    /// </summary>
    public static readonly string[] RetentionSettings = ["TASK_HISTORY_RETENTION_SECONDS", "TASK_HISTORY_MAX_TASKS", "TASK_DETAILS_MAX_TASKS"];

    public static IResourceBuilder<T> WithRetentionSettings<T>(this IResourceBuilder<T> service, IConfiguration configuration)
        where T : IResourceWithEnvironment
    {
        if (service.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return service;
        }
        foreach (var name in RetentionSettings)
        {
            if (configuration[name] is { Length: > 0 } value)
            {
                service.WithEnvironment(name, value);
            }
        }
        return service;
    }
}
