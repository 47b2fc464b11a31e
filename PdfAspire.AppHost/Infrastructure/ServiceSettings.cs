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
}
