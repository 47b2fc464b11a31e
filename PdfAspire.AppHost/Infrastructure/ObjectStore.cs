namespace PdfAspire.AppHost.Infrastructure;

/// <summary>
/// The S3-compatible store and the credentials the services use with it. <see cref="Credentials"/> is null when
/// publishing: in Kubernetes the keys come from the Secret that deploy/k8s creates, never from the manifest.
/// </summary>
public sealed record ObjectStore(IResourceBuilder<IResourceWithEndpoints> Resource, EndpointReference Api, ObjectStoreCredentials? Credentials)
{
    public const string DefaultBucket = "pdf-uploads";
}

public sealed record ObjectStoreCredentials(ReferenceExpression AccessId, ReferenceExpression AccessKey);
