using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace PdfAspire.TaskQueue;

/// <summary>Where the queue lives. Bound from the root of configuration so the guide's variable names work as-is.</summary>
public sealed class QueueOptions
{
    public const string DefaultName = "queue:upload_tasks";

    /// <summary>The pending list producers push to; every other key of the queue derives from it.</summary>
    [ConfigurationKeyName("REDIS_QUEUE_NAME")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "REDIS_QUEUE_NAME must not be empty (default: queue:upload_tasks).")]
    [RegularExpression(@"^[^\s{}*?\[\]]+$", ErrorMessage = "REDIS_QUEUE_NAME must not contain spaces, braces or glob characters (* ? [ ]).")]
    public string Name { get; set; } = DefaultName;
}
