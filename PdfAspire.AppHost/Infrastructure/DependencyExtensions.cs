namespace PdfAspire.AppHost.Infrastructure;

public static class DependencyExtensions
{
    /// <summary>
    /// Waits for a dependency before starting the service, and keeps waiting while the dependency is down. Aspire's
    /// default gives up: a worker restarted while Redis was itself being restarted (both killed together) ended as
    /// FailedToStart for good. Locally the supervisor brings the dependency back, so waiting for it is right.
    /// </summary>
    public static IResourceBuilder<T> WaitThroughRestarts<T>(this IResourceBuilder<T> service, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        service.WaitFor(dependency, WaitBehavior.WaitOnResourceUnavailable);
}
