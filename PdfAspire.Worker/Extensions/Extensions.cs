using Microsoft.AspNetCore.Server.Kestrel.Core;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Grpc;
using PdfAspire.Worker.Ingest;

namespace PdfAspire.Worker.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        // Needed before the host is built (ports, message sizes), so validated here with the same messages.
        var worker = OptionsGuard.GetValidated<WorkerOptions>(builder.Configuration);
        var ingest = OptionsGuard.GetValidated<IngestOptions>(builder.Configuration);
        var processing = OptionsGuard.GetValidated<ProcessingOptions>(builder.Configuration);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(worker));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(ingest));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(processing));

        // Two listeners: gRPC needs HTTP/2 without TLS (h2c), which only a dedicated HTTP/2 endpoint can offer;
        // Prometheus and the Kubernetes probes speak HTTP/1.1.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenAnyIP(worker.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.ListenAnyIP(worker.MetricsPort, listen => listen.Protocols = HttpProtocols.Http1);
        });

        builder.AddTaskQueue();
        builder.AddObjectStorage();
        builder.AddIngestClient(ingest);
        builder.AddTaskProcessing(worker, processing);

        builder.Services.AddGrpc(grpc =>
        {
            // ProcessDocument may carry a whole PDF: allow the document limit plus room for the envelope.
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, processing.MaxDocumentBytes + (1 << 20));
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks();
    }

    public static void MapWorkerEndpoints(this WebApplication app)
    {
        var metricsPort = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkerOptions>>().Value.MetricsPort;

        app.MapGrpcService<DocumentService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        // Only on the metrics listener. Matched by the local port, not the Host header, which names the proxy's port
        // behind Aspire's proxy or a Kubernetes Service.
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Connection.LocalPort == metricsPort && context.Request.Path == "/metrics");
        app.MapDefaultEndpoints();
    }
}
