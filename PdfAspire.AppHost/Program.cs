using PdfAspire.AppHost;
using PdfAspire.AppHost.Infrastructure;
using PdfAspire.AppHost.LocalRun;

var builder = DistributedApplication.CreateBuilder(args);

var mode = builder.SelectRunMode();
var paths = LocalPaths.From(builder);

// Infrastructure: containers when a container engine answers (and always when publishing), local processes otherwise;
// the user's own Redis instead of ours when REDIS_CONNECTION names one.
var redis = builder.AddQueueStore("redis", mode, paths);
var minio = builder.AddObjectStore("minio", mode, paths);
var ingest = builder.AddIngestService("go-ingest-service", mode, paths);

// Services
var worker = builder.AddProject<Projects.PdfAspire_Worker>("pdf-processor-worker", launchProfileName: null)
    .PublishWithOcrTools(paths)
    .WithLocalReplicas()
    .WithWorkerPorts(builder.ExecutionContext)
    .WithQueueStore(redis)
    .WithObjectStore(minio)
    .WithEnvironment("GO_GRPC_INGEST_ADDR", ingest.GetEndpoint(IngestServiceExtensions.GrpcEndpoint)).WaitThroughRestarts(ingest)
    .WithHttpHealthCheck("/health", endpointName: WorkerResource.MetricsEndpoint)
    .WithQueueSettings(builder.Configuration)
    .WithSettingsFrom(builder.Configuration, "Worker");

// Apps
var admin = builder.AddProject<Projects.PdfAspire_Admin>("pdf-admin", launchProfileName: null)
    .WithHttpEndpoint(name: "http")
    .WithExternalHttpEndpoints()
    // Aspire turns on trust in every X-Forwarded-For; the admin trusts only the proxies ADMIN_TRUSTED_PROXIES names,
    // or the sign-in lockout could be dodged with a made-up address.
    .WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "false")
    .WithAdminAccounts()
    .WithQueueStore(redis)
    .WithObjectStore(minio)
    .WithQueueSettings(builder.Configuration)
    .WithHttpHealthCheck("/health")
    .WithParentRelationship(worker);

// Run on a developer's machine: where everything is, once healthy; local processes that exit on their own restarted.
builder.AddLocalRunServices(new LocalRunResources(mode, redis, minio, ingest, worker, admin, paths.RepositoryRoot));

builder.Build().Run();
