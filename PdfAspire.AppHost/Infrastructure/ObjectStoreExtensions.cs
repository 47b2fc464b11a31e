using PdfAspire.LocalInfrastructure;

namespace PdfAspire.AppHost.Infrastructure;

public static class ObjectStoreExtensions
{
    private const string MinioImage = "minio/minio";
    private const string MinioTag = "RELEASE.2025-09-07T16-13-09Z";

    /// <summary>MinIO in a container, or s3rver (npm) as a local process; the same resource name either way.</summary>
    public static ObjectStore AddObjectStore(this IDistributedApplicationBuilder builder, string name, RunMode mode, LocalPaths paths) =>
        mode == RunMode.Containers ? builder.AddMinio(name) : builder.AddS3rver(name, paths);

    /// <summary>
    /// MinIO from its image. Its root credentials are secret parameters when run; published they are left out, because
    /// aspirate would write their values into a plain ConfigMap: deploy/k8s gives MinIO and its clients the keys from
    /// the Kubernetes Secret instead.
    /// </summary>
    private static ObjectStore AddMinio(this IDistributedApplicationBuilder builder, string name)
    {
        var minio = builder.AddContainer(name, MinioImage, MinioTag)
            .WithArgs("server", "/data", "--console-address", ":9001")
            .WithHttpEndpoint(targetPort: 9000, name: "api")
            .WithHttpEndpoint(targetPort: 9001, name: "console")
            .WithVolume($"pdfaspire-{name}-data", "/data")
            .WithHttpHealthCheck("/minio/health/live", endpointName: "api");
        if (builder.ExecutionContext.IsPublishMode)
        {
            return new ObjectStore(minio, minio.GetEndpoint("api"), Credentials: null);
        }
        var user = builder.AddParameter($"{name}-user", "pdfaspire", secret: true);
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        minio.WithEnvironment("MINIO_ROOT_USER", user).WithEnvironment("MINIO_ROOT_PASSWORD", password);
        return new ObjectStore(minio, minio.GetEndpoint("api"),
            new ObjectStoreCredentials(ReferenceExpression.Create($"{user}"), ReferenceExpression.Create($"{password}")));
    }

    private static ObjectStore AddS3rver(this IDistributedApplicationBuilder builder, string name, LocalPaths paths)
    {
        var s3rver = LocalPaths.RequireFile(LocalCommands.S3rverScript(paths.RepositoryRoot),
            "run ./setup.sh (or npm ci --prefix tools) to install the local S3 server.");
        const string credential = LocalCommands.S3rverCredential;
        var server = builder.AddExecutable(name, LocalCommands.Node, paths.StateFor(name), s3rver)
            .WithHttpEndpoint(name: "api", isProxied: false)
            .WithArgs(context => context.AddAll(LocalCommands.S3rverArgs(
                ((IResourceWithEndpoints)context.Resource).GetEndpoint("api").Property(EndpointProperty.TargetPort),
                paths.StateFor(name),
                DefaultBucketFor(builder))))
            .WithHttpHealthCheck("/", endpointName: "api");
        return new ObjectStore(server, server.GetEndpoint("api"),
            new ObjectStoreCredentials(ReferenceExpression.Create($"{credential}"), ReferenceExpression.Create($"{credential}")));
    }

    private static string DefaultBucketFor(IDistributedApplicationBuilder builder) =>
        builder.Configuration["BUCKET_NAME"] is { Length: > 0 } bucket ? bucket : ObjectStore.DefaultBucket;

    /// <summary>Gives a service the guide's BUCKET_* variables for this store (the keys only when run), and waits for it.</summary>
    public static IResourceBuilder<T> WithObjectStore<T>(this IResourceBuilder<T> service, ObjectStore store)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        service
            .WithEnvironment("BUCKET_ENDPOINT", store.Api)
            .WithEnvironment("BUCKET_NAME", ObjectStore.DefaultBucket)
            .WaitThroughRestarts(store.Resource);
        if (store.Credentials is { } keys)
        {
            service.WithEnvironment("BUCKET_ACCESS_ID", keys.AccessId).WithEnvironment("BUCKET_ACCESS_KEY", keys.AccessKey);
        }
        return service;
    }
}
