using Grpc.Health.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PdfAspire.Ingest.V1;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Ingest;

namespace PdfAspire.Worker.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        var worker = OptionsGuard.GetValidated<WorkerOptions>(builder.Configuration);
        var ingest = OptionsGuard.GetValidated<IngestOptions>(builder.Configuration);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(worker));

        // Two listeners: gRPC needs HTTP/2 without TLS (h2c), which only a dedicated HTTP/2 endpoint can offer;
        // Prometheus and the Kubernetes probes speak HTTP/1.1.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenAnyIP(worker.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.ListenAnyIP(worker.MetricsPort, listen => listen.Protocols = HttpProtocols.Http1);
        });

        builder.AddTaskQueue();
        builder.AddObjectStorage();

        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks();

        builder.Services.AddGrpcClient<IngestService.IngestServiceClient>(o => o.Address = ingest.AddressUri);
        builder.Services.AddGrpcClient<Health.HealthClient>(o => o.Address = ingest.AddressUri);
        builder.Services.AddHealthChecks()
            .AddCheck<IngestHealthCheck>("ingest", HealthStatus.Degraded);
    }

    public static void MapWorkerEndpoints(this WebApplication app)
    {
        var metricsPort = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkerOptions>>().Value.MetricsPort;

        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        app.MapDefaultEndpoints();
        app.MapPrometheusScrapingEndpoint().RequireHost($"*:{metricsPort}");
    }
}
