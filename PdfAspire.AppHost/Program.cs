using PdfAspire.AppHost;
using PdfAspire.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

var mode = builder.SelectRunMode();
var paths = LocalPaths.From(builder);

// Infrastructure: containers when a container engine answers (and always when publishing), local processes otherwise.
var redis = builder.AddQueueStore("redis", mode, paths);
var minio = builder.AddObjectStore("minio", mode, paths);
var ingest = builder.AddIngestService("go-ingest-service", mode, paths);

// Services
var worker = builder.AddProject<Projects.PdfAspire_Worker>("pdf-processor-worker", launchProfileName: null)
    .WithWorkerPorts(builder.ExecutionContext)
    .WithQueueStore(redis)
    .WithObjectStore(minio)
    .WithEnvironment("GO_GRPC_INGEST_ADDR", ingest.GetEndpoint(IngestServiceExtensions.GrpcEndpoint)).WaitFor(ingest)
    .WithHttpHealthCheck("/health", endpointName: WorkerPorts.MetricsEndpoint)
    .WithSettingsFrom(builder.Configuration, "Worker");

// Apps: the two admin passwords are generated on first run and kept in the AppHost's user secrets (the dashboard
// shows them under Parameters); set Parameters:admin-operator-password to choose one.
var operatorPassword = builder.AddParameter("admin-operator-password", new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);
var viewerPassword = builder.AddParameter("admin-viewer-password", new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);
builder.AddProject<Projects.PdfAspire_Admin>("pdf-admin", launchProfileName: null)
    .WithHttpEndpoint(name: "http")
    .WithExternalHttpEndpoints()
    .WithEnvironment("ADMIN_OPERATOR_PASSWORD", operatorPassword)
    .WithEnvironment("ADMIN_VIEWER_PASSWORD", viewerPassword)
    .WithQueueStore(redis)
    .WithObjectStore(minio)
    .WithHttpHealthCheck("/health")
    .WithParentRelationship(worker);

builder.Build().Run();
