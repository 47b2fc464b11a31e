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
        var s3rver = LocalPaths.RequireFile(paths.Tool("tools", "node_modules", "s3rver", "bin", "s3rver.js"),
            "run ./setup.sh (or npm ci --prefix tools) to install the local S3 server.");
        // s3rver accepts only its built-in credentials.
        const string credential = "S3RVER";
        var server = builder.AddExecutable(name, "node", paths.StateFor(name), s3rver)
            .WithHttpEndpoint(name: "api", isProxied: false)
            .WithArgs(context =>
            {
                var api = ((IResourceWithEndpoints)context.Resource).GetEndpoint("api");
                context.Args.Add("--address");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(api.Property(EndpointProperty.TargetPort));
                context.Args.Add("--directory");
                context.Args.Add(paths.StateFor(name));
                context.Args.Add("--no-vhost-buckets");
                context.Args.Add("--configure-bucket");
                context.Args.Add(DefaultBucketFor(builder));
            })
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
            .WaitFor(store.Resource);
        if (store.Credentials is { } keys)
        {
            service.WithEnvironment("BUCKET_ACCESS_ID", keys.AccessId).WithEnvironment("BUCKET_ACCESS_KEY", keys.AccessKey);
        }
        return service;
    }
}
