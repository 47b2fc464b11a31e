namespace PdfAspire.AppHost.Infrastructure;

/// <summary>The S3-compatible store and the credentials the services use with it.</summary>
public sealed record ObjectStore(
    IResourceBuilder<IResourceWithEndpoints> Resource,
    EndpointReference Api,
    ReferenceExpression AccessId,
    ReferenceExpression AccessKey)
{
    public const string DefaultBucket = "pdf-uploads";
}
