using PdfAspire.AppHost.Infrastructure;

namespace PdfAspire.AppHost.LocalRun;

/// <summary>What a local run is made of, as the start-up summary and the supervisor need it.</summary>
public sealed record LocalRunResources(
    RunMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    ObjectStore Store,
    IResourceBuilder<IResourceWithEndpoints> Ingest,
    IResourceBuilder<ProjectResource> Worker,
    IResourceBuilder<ProjectResource> Admin,
    string RepositoryRoot)
{
    public IResource[] All => [Redis.Resource, Store.Resource.Resource, Ingest.Resource, Worker.Resource, Admin.Resource];
}
