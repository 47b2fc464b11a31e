using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every PdfAspire service shares: OpenTelemetry (OTLP to the Aspire dashboard, Prometheus for scraping),
/// health checks and service discovery.
/// </summary>
public static class Extensions
{
    /// <summary>Everything must be healthy for the service to take traffic (readiness).</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Only the "live" checks: is the process itself responsive (liveness).</summary>
    public const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        // No standard resilience handler, as Aspire's template adds: the only clients are the worker's gRPC ones,
        // which retry by their channel's policy within the call's own deadline. The handler cut every attempt at 10 s
        // (a slow submission never went through, whatever INGEST_TIMEOUT_SECONDS allowed), retried on top of the
        // channel, and was a tenth of what a new worker compiled in its first minute.
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // One line per task is the worker's Information log. HttpClientFactory logs every call (four lines each),
        // ASP.NET Core every health probe (four lines every few seconds), StackExchange.Redis
        // forty lines per connection: their warnings and errors still show, and traces keep the calls.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("StackExchange.Redis", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(PdfAspireTelemetry.Name)
                .RenameRuntimeGaugesForPrometheus()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, PdfAspireTelemetry.Name)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes and scrapes would drown the traces that matter.
                    options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps /health and /alive in every environment: Kubernetes probes and Aspire's WaitFor both need them, and
    /// they reveal nothing but a status word.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = WriteReportAsync });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }

    /// <summary>
    /// The overall status on the first line, then one line per check with its status and description, so an operator
    /// (or `kubectl exec … curl`) sees which dependency is failing. Descriptions name a dependency and a status code,
    /// never an address with credentials or a secret.
    /// </summary>
    private static Task WriteReportAsync(Microsoft.AspNetCore.Http.HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"{e.Key}: {e.Value.Status}{(string.IsNullOrEmpty(e.Value.Description) ? "" : $" ({e.Value.Description})")}");
        return context.Response.WriteAsync(string.Join('\n', lines.Prepend(report.Status.ToString())) + "\n");
    }

    /// <summary>
    /// Three .NET runtime gauges end in ".count", which Prometheus reserves for histograms and summaries
    /// (<c>promtool check metrics</c> rejects them); they are exported under names that say the same thing.
    /// </summary>
    private static MeterProviderBuilder RenameRuntimeGaugesForPrometheus(this MeterProviderBuilder metrics) => metrics
        .AddView("dotnet.assembly.count", new MetricStreamConfiguration { Name = "dotnet.assemblies.loaded" })
        .AddView("dotnet.process.cpu.count", new MetricStreamConfiguration { Name = "dotnet.process.cpus" })
        .AddView("dotnet.timer.count", new MetricStreamConfiguration { Name = "dotnet.timers.active" });

    private static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments("/metrics");
}
