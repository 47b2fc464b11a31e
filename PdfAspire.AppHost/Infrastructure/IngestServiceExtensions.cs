using PdfAspire.LocalInfrastructure;

namespace PdfAspire.AppHost.Infrastructure;

public static class IngestServiceExtensions
{
    public const string GrpcEndpoint = "grpc";
    public const string HttpEndpoint = "http";

    /// <summary>
    /// The Go ingest stub: built from ingest-stub/Dockerfile in container mode, or built and run by ingest-stub/local.sh
    /// with Debian's Go and gRPC packages. gRPC serves IngestService and grpc.health.v1; the HTTP port lists results
    /// and takes injected faults.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddIngestService(
        this IDistributedApplicationBuilder builder, string name, RunMode mode, LocalPaths paths)
    {
        IResourceBuilder<IResourceWithEndpoints> stub = mode == RunMode.Containers
            ? builder.AddDockerfile(name, paths.Tool("ingest-stub"))
                .WithEndpoint(targetPort: 50051, name: GrpcEndpoint, scheme: "http")
                .WithHttpEndpoint(targetPort: 8080, name: HttpEndpoint)
            : builder.AddExecutable(name, "bash", paths.Tool("ingest-stub"), "local.sh", "run")
                .WithEndpoint(name: GrpcEndpoint, scheme: "http", isProxied: false)
                .WithHttpEndpoint(name: HttpEndpoint, isProxied: false)
                .WithArgs(context =>
                {
                    var resource = (IResourceWithEndpoints)context.Resource;
                    context.AddAll(LocalCommands.IngestStubArgs(
                        resource.GetEndpoint(GrpcEndpoint).Property(EndpointProperty.TargetPort),
                        resource.GetEndpoint(HttpEndpoint).Property(EndpointProperty.TargetPort)));
                });
        return stub
            .WithEndpoint(GrpcEndpoint, endpoint => endpoint.Transport = "http2")
            .WithHttpHealthCheck("/healthz", endpointName: HttpEndpoint);
    }
}
