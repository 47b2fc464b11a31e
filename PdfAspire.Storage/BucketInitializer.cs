using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PdfAspire.Storage;

/// <summary>
/// Creates the upload bucket if it is missing, so a fresh MinIO works without a manual step. A store that refuses
/// (read-only credentials, a bucket owned elsewhere) is logged and left to the health check to report.
/// </summary>
public sealed partial class BucketInitializer(IAmazonS3 s3, IOptions<StorageOptions> options, ILogger<BucketInitializer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bucket = options.Value.Bucket;
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            try
            {
                await s3.PutBucketAsync(bucket, cancellationToken);
                LogCreated(bucket);
            }
            catch (AmazonS3Exception create) when (create.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                // Another service created it first.
            }
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException)
        {
            LogUnavailable(bucket, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created bucket {Bucket}")]
    private partial void LogCreated(string bucket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check or create bucket {Bucket}: {Reason}")]
    private partial void LogUnavailable(string bucket, string reason);
}
