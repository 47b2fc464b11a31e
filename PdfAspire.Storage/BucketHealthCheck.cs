using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace PdfAspire.Storage;

/// <summary>Healthy when the bucket answers a HEAD request with the configured credentials.</summary>
public sealed class BucketHealthCheck(IAmazonS3 s3, IOptions<StorageOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bucket = options.Value.Bucket;
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken);
            return HealthCheckResult.Healthy($"bucket {bucket} is reachable");
        }
        catch (AmazonS3Exception e)
        {
            // The message names the bucket and the HTTP status only; never the credentials.
            return new HealthCheckResult(context.Registration.FailureStatus, $"bucket {bucket}: {(int)e.StatusCode} {e.ErrorCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"object store unreachable: {e.GetType().Name}");
        }
    }
}
