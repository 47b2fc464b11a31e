using Microsoft.Extensions.DependencyInjection;

namespace PdfAspire.AppHost.LocalRun;

public static class LocalRunExtensions
{
    /// <summary>
    /// What a run on a developer's machine adds: a summary of where everything is once all is healthy, and, for local
    /// processes, restarts of any that exit on their own (containers and Kubernetes have restart policies of their own).
    /// </summary>
    public static void AddLocalRunServices(this IDistributedApplicationBuilder builder, LocalRunResources resources)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return;
        }
        builder.Services.AddSingleton(resources);
        builder.Services.AddSingleton<StartupSummary>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartupSummary>());
        if (resources.Mode == RunMode.LocalProcesses)
        {
            builder.Services.AddSingleton(new SupervisionPolicy(resources.All.Select(r => r.Name).ToHashSet(StringComparer.Ordinal)));
            builder.Services.AddSingleton<ResourceSupervisor>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ResourceSupervisor>());
        }
    }
}
