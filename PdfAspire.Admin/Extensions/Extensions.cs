using MudBlazor.Services;
using PdfAspire.Admin.Queue;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        // Aspire runs the project from its folder in the Production environment, where blazor.web.js and MudBlazor's
        // assets exist only through the build's static web assets manifest; a published image has no such manifest,
        // and this is a no-op there.
        builder.WebHost.UseStaticWebAssets();

        builder.AddTaskQueue();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();

        // One poller for every open page, instead of one per browser tab.
        builder.Services.AddSingleton<QueueMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueMonitor>());
    }

    public static void UseAdminPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        app.UseAntiforgery();
        app.MapStaticAssets();
    }
}
