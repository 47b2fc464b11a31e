namespace PdfAspire.AppHost;

public static class WorkerPorts
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
