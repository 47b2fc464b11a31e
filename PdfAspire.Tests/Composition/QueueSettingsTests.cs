using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace PdfAspire.Tests.Composition;

/// <summary>
/// The queue's settings — its lanes, and what Redis keeps — reach both services that read them: set in the environment
/// of <c>./run.sh</c> (the AppHost's configuration), they are in the worker's and the admin's environment.
/// </summary>
public sealed class QueueSettingsTests
{
    [Fact]
    public async Task QueueSettings_GivenToTheAppHost_ReachTheWorkerAndTheAdmin()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PdfAspire_AppHost>(
            ["PDFASPIRE_RUN_MODE=local", "REDIS_QUEUE_LANES=queue:interactive,queue:upload_tasks", "TASK_HISTORY_RETENTION_SECONDS=60", "TASK_HISTORY_MAX_TASKS=1234", "TASK_DETAILS_MAX_TASKS=56"],
            (options, _) => options.DisableDashboard = true, ct);

        foreach (var name in new[] { "pdf-processor-worker", "pdf-admin" })
        {
            var environment = await PlainEnvironmentAsync((IResourceWithEnvironment)builder.Resources.Single(r => r.Name == name));

            Assert.Equal("queue:interactive,queue:upload_tasks", environment.GetValueOrDefault("REDIS_QUEUE_LANES"));
            Assert.Equal("60", environment.GetValueOrDefault("TASK_HISTORY_RETENTION_SECONDS"));
            Assert.Equal("1234", environment.GetValueOrDefault("TASK_HISTORY_MAX_TASKS"));
            Assert.Equal("56", environment.GetValueOrDefault("TASK_DETAILS_MAX_TASKS"));
        }
    }

    /// <summary>The resource's environment variables whose values are plain text, as its start would set them.</summary>
    private static async Task<Dictionary<string, string>> PlainEnvironmentAsync(IResourceWithEnvironment resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables.Where(e => e.Value is string).ToDictionary(e => e.Key, e => (string)e.Value);
    }
}
