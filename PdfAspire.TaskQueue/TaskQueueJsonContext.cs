using System.Text.Json.Serialization;

namespace PdfAspire.TaskQueue;

/// <summary>
/// The queue contract's JSON, one set of options for all of it: snake_case names, nulls left out, unknown fields
/// ignored. Tasks as producers push them, dead letters and a task's timeline events as Redis keeps them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadTask))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(TaskEvent))]
public sealed partial class TaskQueueJsonContext : JsonSerializerContext;
