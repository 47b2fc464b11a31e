using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace PdfAspire.Storage;

/// <summary>The object store, under the operations guide's variable names (docs/guide.md; bound from the root of configuration).</summary>
public sealed partial class StorageOptions : IValidatableObject
{
    public const string DefaultBucket = "pdf-uploads";

    private const string BucketNamePattern = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

    /// <summary>The S3-compatible object store's URL (MinIO, s3rver, AWS).</summary>
    [ConfigurationKeyName("BUCKET_ENDPOINT")]
    [Required(ErrorMessage = "BUCKET_ENDPOINT is required: the object store's URL, for example http://minio:9000.")]
    [Url(ErrorMessage = "BUCKET_ENDPOINT must be an absolute http(s) URL, for example http://minio:9000.")]
    public string Endpoint { get; set; } = "";

    /// <summary>The object store's access key id (a secret).</summary>
    [ConfigurationKeyName("BUCKET_ACCESS_ID")]
    [Required(ErrorMessage = "BUCKET_ACCESS_ID is required: the object store's access key id.")]
    public string AccessId { get; set; } = "";

    /// <summary>The object store's secret access key (a secret).</summary>
    [ConfigurationKeyName("BUCKET_ACCESS_KEY")]
    [Required(ErrorMessage = "BUCKET_ACCESS_KEY is required: the object store's secret access key.")]
    public string AccessKey { get; set; } = "";

    /// <summary>The bucket uploads go to, and the default for tasks that name none.</summary>
    [ConfigurationKeyName("BUCKET_NAME")]
    [Required(ErrorMessage = "BUCKET_NAME must not be empty (default: pdf-uploads).")]
    [RegularExpression(BucketNamePattern, ErrorMessage = "BUCKET_NAME must be a valid S3 bucket name.")]
    public string Bucket { get; set; } = DefaultBucket;

    /// <summary>
    /// Further buckets a worker may read when a task names them (comma-separated); by default only BUCKET_NAME. The
    /// credentials may reach more buckets than these: nothing else is read through them.
    /// </summary>
    [ConfigurationKeyName("ALLOWED_BUCKETS")]
    public string AllowedBuckets { get; set; } = "";

    /// <summary>BUCKET_NAME and ALLOWED_BUCKETS together.</summary>
    public IReadOnlySet<string> ServedBuckets =>
        AllowedBuckets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Append(Bucket).ToHashSet(StringComparer.Ordinal);

    /// <summary>MinIO and s3rver ignore the region, but request signing needs one.</summary>
    [ConfigurationKeyName("BUCKET_REGION")]
    public string Region { get; set; } = "us-east-1";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ServedBuckets.Where(b => !BucketName().IsMatch(b))
            .Select(b => new ValidationResult($"ALLOWED_BUCKETS must list valid S3 bucket names separated by commas; '{b}' is not one."));

    [GeneratedRegex(BucketNamePattern)]
    private static partial Regex BucketName();
}
