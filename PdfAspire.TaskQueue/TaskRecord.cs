using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StackExchange.Redis;

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
    public int? PageCount => Result?.PageCount;
    public int? FailedPages => Result?.FailedPageCount;
    public long? DurationMs => Result?.DurationMs;

    /// <summary>The producer's metadata (tenant, source…), as the task carried it.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>What the worker recorded of the delivered result; null until the task is done.</summary>
    public TaskResult? Result { get; init; }

    /// <summary>Where the result's details are in <see cref="QueueKeys.ResultDetails"/>, if they were kept.</summary>
    public string? DetailsSlot { get; init; }

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
            // A first attempt's start is its last start too: written once the task has a second.
            FirstAttemptAt = Stamps.Parse(Text(TaskRecordFields.FirstAttemptAt) ?? Text(TaskRecordFields.LastStartedAt)),
            LastStartedAt = Stamps.Parse(Text(TaskRecordFields.LastStartedAt)),
            LastErrorCategory = Text(TaskRecordFields.LastErrorCategory),
            LastError = Text(TaskRecordFields.LastError),
            NextAttemptAt = Stamps.Parse(Text(TaskRecordFields.NextAttemptAt)),
            CompletedAt = Stamps.Parse(Text(TaskRecordFields.CompletedAt)),
            Metadata = Json(Text(TaskRecordFields.Metadata), TaskQueueJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>(),
            Result = Number(TaskRecordFields.PageCount) is { } pages ? new TaskResult
            {
                PageCount = (int)pages,
                OcrPages = (int)(Number(TaskRecordFields.OcrPages) ?? 0),
                EmptyPages = (int)(Number(TaskRecordFields.EmptyPages) ?? 0),
                FailedPageCount = (int)(Number(TaskRecordFields.FailedPages) ?? 0),
                TextLayerPages = (int)(pages - (Number(TaskRecordFields.OcrPages) ?? 0) - (Number(TaskRecordFields.EmptyPages) ?? 0)
                    - (Number(TaskRecordFields.FailedPages) ?? 0)),
                OcrConfidence = double.TryParse(Text(TaskRecordFields.OcrConfidence), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : null,
                DownloadMs = Number(TaskRecordFields.DownloadMs) ?? 0,
                ExtractionMs = Number(TaskRecordFields.ExtractionMs) ?? 0,
                DeliveryMs = Number(TaskRecordFields.DeliveryMs) ?? 0,
                DurationMs = Number(TaskRecordFields.DurationMs) ?? 0,
                SizeBytes = Number(TaskRecordFields.SizeBytes) ?? 0,
            } : null,
            DetailsSlot = Text(TaskRecordFields.DetailsSlot),
        };
    }

    /// <summary>
    /// The fields a delivered result is recorded in. Counts that are zero and an absent OCR confidence are left out
    /// (read back as zero and absent): most documents have no OCRed, empty or failed page, and every field a retained
    /// task keeps costs Redis memory for as long as it is kept.
    /// </summary>
    public static IEnumerable<(string Field, RedisValue Value)> ResultFields(TaskResult result)
    {
        // Every page is one of text layer, OCR, empty or failed: the text layer's count is the rest, never stored.
        yield return (TaskRecordFields.PageCount, result.PageCount);
        foreach (var (field, count) in new[]
        {
            (TaskRecordFields.OcrPages, result.OcrPages), (TaskRecordFields.EmptyPages, result.EmptyPages), (TaskRecordFields.FailedPages, result.FailedPageCount),
        })
        {
            if (count != 0)
            {
                yield return (field, count);
            }
        }
        if (result.OcrConfidence is { } confidence)
        {
            yield return (TaskRecordFields.OcrConfidence, confidence.ToString("0.#", CultureInfo.InvariantCulture));
        }
        yield return (TaskRecordFields.DownloadMs, result.DownloadMs);
        yield return (TaskRecordFields.ExtractionMs, result.ExtractionMs);
        yield return (TaskRecordFields.DeliveryMs, result.DeliveryMs);
        yield return (TaskRecordFields.DurationMs, result.DurationMs);
        yield return (TaskRecordFields.SizeBytes, result.SizeBytes);
    }

    /// <summary>A JSON field as written by this version; anything else (an older or damaged value) reads as absent.</summary>
    internal static T? Json<T>(string? json, JsonTypeInfo<T> type) where T : class
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
