using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace PdfAspire.Storage;

/// <summary>The object store, under the operations guide's variable names (bound from the root of configuration).</summary>
public sealed class StorageOptions
{
    public const string DefaultBucket = "pdf-uploads";

    [ConfigurationKeyName("BUCKET_ENDPOINT")]
    [Required(ErrorMessage = "BUCKET_ENDPOINT is required: the object store's URL, for example http://minio:9000.")]
    [Url(ErrorMessage = "BUCKET_ENDPOINT must be an absolute http(s) URL, for example http://minio:9000.")]
    public string Endpoint { get; set; } = "";

    [ConfigurationKeyName("BUCKET_ACCESS_ID")]
    [Required(ErrorMessage = "BUCKET_ACCESS_ID is required: the object store's access key id.")]
    public string AccessId { get; set; } = "";

    [ConfigurationKeyName("BUCKET_ACCESS_KEY")]
    [Required(ErrorMessage = "BUCKET_ACCESS_KEY is required: the object store's secret access key.")]
    public string AccessKey { get; set; } = "";

    /// <summary>The bucket uploads go to, and the default for tasks that name none.</summary>
    [ConfigurationKeyName("BUCKET_NAME")]
    [Required(ErrorMessage = "BUCKET_NAME must not be empty (default: pdf-uploads).")]
    [RegularExpression("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", ErrorMessage = "BUCKET_NAME must be a valid S3 bucket name.")]
    public string Bucket { get; set; } = DefaultBucket;

    /// <summary>MinIO and s3rver ignore the region, but request signing needs one.</summary>
    [ConfigurationKeyName("BUCKET_REGION")]
    public string Region { get; set; } = "us-east-1";
}
