using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace PdfAspire.TaskQueue;

/// <summary>
/// How much task history Redis keeps, by age and by count: what Redis holds for finished tasks is bounded by these
/// settings, never by traffic. Read by the worker and the admin alike (either may trim); bound from the root of
/// configuration like every other setting.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>A finished task's history (record, timeline, search entries, result details) goes this long after its last outcome.</summary>
    [ConfigurationKeyName("TASK_HISTORY_RETENTION_SECONDS")]
    [Range(1, 31_536_000, ErrorMessage = "TASK_HISTORY_RETENTION_SECONDS must be between 1 and 31536000 (a year); default 604800 (7 days).")]
    public int RetentionSeconds { get; set; } = 604_800;

    /// <summary>At most this many tasks keep a history (about 1 KB each); the oldest go first.</summary>
    [ConfigurationKeyName("TASK_HISTORY_MAX_TASKS")]
    [Range(1, 100_000_000, ErrorMessage = "TASK_HISTORY_MAX_TASKS must be between 1 and 100000000; default 1000000.")]
    public int MaxTasks { get; set; } = 1_000_000;

    /// <summary>The most recent delivered tasks that keep their result details: hash, text preview, failed pages (0: none do).</summary>
    [ConfigurationKeyName("TASK_DETAILS_MAX_TASKS")]
    [Range(0, 1_000_000, ErrorMessage = "TASK_DETAILS_MAX_TASKS must be between 0 and 1000000; default 10000.")]
    public int DetailsMaxTasks { get; set; } = 10_000;

    public TimeSpan Retention => TimeSpan.FromSeconds(RetentionSeconds);
}
