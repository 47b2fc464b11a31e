using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PdfAspire.Storage;

public static class StorageExtensions
{
    /// <summary>
    /// Registers an <see cref="IAmazonS3"/> for the configured S3-compatible store, a health check that the bucket
    /// is reachable, and (with <paramref name="ensureBucket"/>) creation of the bucket at start.
    /// </summary>
    public static TBuilder AddObjectStorage<TBuilder>(this TBuilder builder, bool ensureBucket = false)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration("")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAmazonS3>(sp => CreateClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        builder.Services.AddHealthChecks().AddCheck<BucketHealthCheck>("object-store");
        if (ensureBucket)
        {
            builder.Services.AddHostedService<BucketInitializer>();
        }
        return builder;
    }

    public static AmazonS3Client CreateClient(StorageOptions options) =>
        new(new BasicAWSCredentials(options.AccessId, options.AccessKey), new AmazonS3Config
        {
            ServiceURL = options.Endpoint,
            AuthenticationRegion = options.Region,
            // MinIO and s3rver serve buckets as paths, not as subdomains.
            ForcePathStyle = true,
            // The SDK's default CRC checksums are not understood by every S3-compatible server; ask only when required.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 2,
        });
}
