using Microsoft.AspNetCore.Server.Kestrel.Core;
using PdfAspire.Storage;
using PdfAspire.TaskQueue;
using PdfAspire.Worker.Configuration;
using PdfAspire.Worker.Grpc;
using PdfAspire.Worker.Ingest;
using PdfAspire.Worker.Telemetry;

namespace PdfAspire.Worker.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        // Needed before the host is built (ports, message sizes), so validated here with the same messages.
        var worker = OptionsGuard.GetValidated<WorkerOptions>(builder.Configuration);
        var ingest = OptionsGuard.GetValidated<IngestOptions>(builder.Configuration);
        var processing = OptionsGuard.GetValidated<ProcessingOptions>(builder.Configuration);
        var text = OptionsGuard.GetValidated<TextOptions>(builder.Configuration);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(worker));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(ingest));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(processing));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(text));

        // Two listeners: gRPC needs HTTP/2 without TLS (h2c), which only a dedicated HTTP/2 endpoint can offer;
        // Prometheus and the Kubernetes probes speak HTTP/1.1.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = worker.ListenAddress;
            kestrel.Listen(address, worker.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(address, worker.MetricsPort, listen => listen.Protocols = HttpProtocols.Http1);
            // ProcessDocument may carry a whole PDF: Kestrel's own 30 MB body limit must not undercut MAX_DOCUMENT_BYTES.
            kestrel.Limits.MaxRequestBodySize = processing.MaxRequestBytes;
        });

        builder.AddTaskQueue();
        builder.AddObjectStorage();
        builder.AddIngestClient(ingest);
        builder.AddTaskProcessing(worker, processing);

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)processing.MaxRequestBytes;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddSingleton<ProcessDocumentAdmission>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks();
    }

    public static void MapWorkerEndpoints(this WebApplication app)
    {
        var metricsPort = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkerOptions>>().Value.MetricsPort;

        // Its instruments observe the worker and its extractors from the start; nothing else asks for it.
        _ = app.Services.GetRequiredService<PodUsageMetrics>();
        _ = app.Services.GetRequiredService<ProcessDocumentAdmission>();

        app.UseMiddleware<ProcessDocumentAdmission>();
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
