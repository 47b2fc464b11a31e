using Microsoft.Extensions.Options;
using MudBlazor.Services;
using PdfAspire.Admin.Components;
using PdfAspire.Admin.Components.Time;
using PdfAspire.Admin.Queue;
using PdfAspire.Admin.Security;
using PdfAspire.Admin.Uploads;
using PdfAspire.Storage;
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
        builder.AddObjectStorage(ensureBucket: true);
        builder.AddAdminSecurity();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<DocumentUploader>();
        builder.Services.AddScoped<BrowserTime>();
        // An edited dead letter is checked as the worker will check it (with the buckets this deployment names).
        builder.Services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new ServedBuckets(storage.Bucket, storage.ServedBuckets);
        });

        builder.Services.AddSingleton<QueueMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueMonitor>());
        builder.Services.AddHostedService<HistoryTrimming>();
    }

    public static void UseAdminPipeline(this WebApplication app)
    {
        app.UseTrustedProxies(app.Services.GetRequiredService<IOptions<AdminOptions>>().Value);
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        // Every page requires a signed-in user; the sign-in and error pages opt out with [AllowAnonymous].
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();
        app.MapDefaultEndpoints();
    }
}
