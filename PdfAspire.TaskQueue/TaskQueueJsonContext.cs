using System.Text.Json.Serialization;

namespace PdfAspire.TaskQueue;

/// <summary>
/// The queue contract's JSON, one set of options for all of it: snake_case names, nulls left out, unknown fields
/// ignored. Tasks as producers push them, dead letters, a task's timeline events and result summary as Redis keeps them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadTask))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(DeadLetterSummary))]
[JsonSerializable(typeof(TaskEvent))]
[JsonSerializable(typeof(TaskResult))]
[JsonSerializable(typeof(ResultDetails))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
public sealed partial class TaskQueueJsonContext : JsonSerializerContext;
