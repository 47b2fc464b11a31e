using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PdfAspire.TaskQueue;

/// <summary>
/// A task's history hash (<see cref="QueueKeys.Task"/>) as a type: what the worker and the admin wrote of it, read
/// back through <see cref="TaskRecordFields"/> in one place. A field never written is null.
/// </summary>
public sealed record TaskRecord
{
    public string? FileName { get; init; }
    public string? Bucket { get; init; }
    public string? ObjectKey { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public string? Status { get; init; }
    public int Attempts { get; init; }
    public int InfrastructureRetries { get; init; }
    public string? Worker { get; init; }
    public DateTimeOffset? FirstAttemptAt { get; init; }
    public DateTimeOffset? LastStartedAt { get; init; }
    public string? LastErrorCategory { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public int? PageCount { get; init; }
    public int? FailedPages { get; init; }
    public long? DurationMs { get; init; }

    /// <summary>The producer's metadata (tenant, source…), as the task carried it.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>What the worker recorded of the delivered result; null until the task is done.</summary>
    public TaskResult? Result { get; init; }

    public static TaskRecord From(IReadOnlyDictionary<string, string> fields)
    {
        string? Text(string name) => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        long? Number(string name) => long.TryParse(Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new TaskRecord
        {
            FileName = Text(TaskRecordFields.FileName),
            Bucket = Text(TaskRecordFields.Bucket),
            ObjectKey = Text(TaskRecordFields.ObjectKey),
            SubmittedAt = Stamps.Parse(Text(TaskRecordFields.SubmittedAt)),
            Status = Text(TaskRecordFields.Status),
            Attempts = (int)(Number(TaskRecordFields.Attempts) ?? 0),
            InfrastructureRetries = (int)(Number(TaskRecordFields.InfrastructureRetries) ?? 0),
            Worker = Text(TaskRecordFields.Worker),
            FirstAttemptAt = Stamps.Parse(Text(TaskRecordFields.FirstAttemptAt)),
            LastStartedAt = Stamps.Parse(Text(TaskRecordFields.LastStartedAt)),
            LastErrorCategory = Text(TaskRecordFields.LastErrorCategory),
            LastError = Text(TaskRecordFields.LastError),
            NextAttemptAt = Stamps.Parse(Text(TaskRecordFields.NextAttemptAt)),
            CompletedAt = Stamps.Parse(Text(TaskRecordFields.CompletedAt)),
            PageCount = (int?)Number(TaskRecordFields.PageCount),
            FailedPages = (int?)Number(TaskRecordFields.FailedPages),
            DurationMs = Number(TaskRecordFields.DurationMs),
            Metadata = Json(Text(TaskRecordFields.Metadata), TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>(),
            Result = Json(Text(TaskRecordFields.Result), TaskQueueJsonContext.Default.TaskResult),
        };
    }

    /// <summary>A JSON field as written by this version; anything else (an older or damaged value) reads as absent.</summary>
    private static T? Json<T>(string? json, JsonTypeInfo<T> type) where T : class
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
