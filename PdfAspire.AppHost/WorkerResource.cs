namespace PdfAspire.AppHost;

/// <summary>How the worker runs: its two listeners, its replicas, and how its image is built.</summary>
public static class WorkerResource
{
    /// <summary>
    /// Published, the worker is built from PdfAspire.Worker/Dockerfile (context: the repository root) rather than by the
    /// SDK's container support, because its image needs Tesseract and poppler's pdftoppm for OCR of scanned pages.
    /// Run locally, it is the project as usual (./setup.sh installs the tools).
    /// </summary>
    public static IResourceBuilder<ProjectResource> PublishWithOcrTools(this IResourceBuilder<ProjectResource> worker, Infrastructure.LocalPaths paths) =>
        worker.PublishAsDockerFile(container => container.WithDockerfile(paths.RepositoryRoot, paths.Tool("PdfAspire.Worker", "Dockerfile")));

    public const string GrpcEndpoint = "grpc";
    public const string MetricsEndpoint = "metrics";

    /// <summary>
    /// The worker's two listeners. Locally their ports are allocated (so tests and a running copy never collide) and
    /// passed in GRPC_SERVER_PORT / METRICS_PORT; published, they are the guide's 50052 and 8000.
    /// </summary>
    /// <summary>Worker processes a local run starts (PDFASPIRE_WORKER_REPLICAS): two, so one death never stalls the queue.</summary>
    public const string ReplicasKey = "PDFASPIRE_WORKER_REPLICAS";

    public static IResourceBuilder<ProjectResource> WithLocalReplicas(this IResourceBuilder<ProjectResource> worker)
    {
        var builder = worker.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode)
        {
            // In Kubernetes the replicas are the overlays' (and the autoscaler's) business.
            return worker;
        }
        var configured = builder.Configuration[ReplicasKey];
        var replicas = configured is { Length: > 0 } ? int.Parse(configured, System.Globalization.CultureInfo.InvariantCulture) : 2;
        return replicas == 1 ? worker : worker.WithReplicas(replicas);
    }

    public static IResourceBuilder<ProjectResource> WithWorkerPorts(this IResourceBuilder<ProjectResource> worker, DistributedApplicationExecutionContext context)
    {
        int? grpcPort = context.IsPublishMode ? 50052 : null;
        int? metricsPort = context.IsPublishMode ? 8000 : null;
        worker
            .WithHttpEndpoint(targetPort: grpcPort, name: GrpcEndpoint, env: "GRPC_SERVER_PORT")
            .WithEndpoint(GrpcEndpoint, endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(targetPort: metricsPort, name: MetricsEndpoint, env: "METRICS_PORT");
        // Run on a developer's machine, the unauthenticated gRPC port and the metrics stay on loopback, like Redis, the
        // object store and the ingest stub; in a pod they bind every interface, and the NetworkPolicy decides who reaches them.
        return context.IsPublishMode ? worker : worker.WithEnvironment("BIND_ADDRESS", "127.0.0.1");
    }
}
