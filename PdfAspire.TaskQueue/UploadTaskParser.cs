using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PdfAspire.TaskQueue;

/// <summary>Reads producers' task JSON, and gives tasks without an id a stable one derived from the payload.</summary>
public static class UploadTaskParser
{
    /// <summary>A task names a document; it doesn't carry one. Anything bigger is a producer's mistake (or worse).</summary>
    public const int MaxPayloadBytes = 64 << 10;

    /// <summary>
    /// Parses and checks one task: every field that becomes a key or a location is valid (<see cref="TaskFieldRules"/>)
    /// and the bucket is one <paramref name="buckets"/> allows. The caller has checked the size (<see cref="MaxPayloadBytes"/>).
    /// </summary>
    public static bool TryParse(string payload, ServedBuckets buckets, [NotNullWhen(true)] out ValidTask? task, out string error)
    {
        task = null;
        UploadTask? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(payload, TaskQueueJsonContext.Default.UploadTask);
        }
        catch (JsonException e)
        {
            error = $"task is not valid JSON: {e.Message}";
            return false;
        }
        if (parsed is null)
        {
            error = "task is JSON null";
            return false;
        }
        if (string.IsNullOrWhiteSpace(parsed.ObjectKey))
        {
            error = "task has no object_key";
            return false;
        }
        var invalid = (parsed.TaskId is { } id ? TaskFieldRules.TaskIdError(id) : null)
            ?? TaskFieldRules.ObjectKeyError(parsed.ObjectKey)
            ?? (parsed.FileName is { } name ? TaskFieldRules.FileNameError(name) : null)
            ?? (parsed.Metadata is { } metadata ? TaskFieldRules.MetadataError(metadata) : null);
        if (invalid is not null)
        {
            error = invalid;
            return false;
        }
        if (!buckets.TryResolve(parsed.Bucket, out var bucket, out error))
        {
            return false;
        }
        task = new ValidTask(
            parsed.TaskId ?? DeriveId(payload),
            bucket,
            parsed.ObjectKey,
            string.IsNullOrWhiteSpace(parsed.FileName) ? Path.GetFileName(parsed.ObjectKey) : parsed.FileName,
            parsed.SubmittedAt,
            parsed.Traceparent,
            parsed.Metadata ?? new Dictionary<string, string>());
        return true;
    }

    /// <summary>
    /// Same payload, same id: a task re-delivered after a crash keeps its identity, so ingest still stores it once.
    /// </summary>
    public static string DeriveId(string payload) => "derived-" + Hash(Encoding.UTF8.GetBytes(payload));

    /// <summary>The id of the dead letter a payload that is not a valid task becomes: one letter per distinct payload.</summary>
    public static string MalformedId(ReadOnlySpan<byte> payload) => "malformed-" + Hash(payload);

    /// <summary>The id of the dead letter a task whose id names another document becomes: one letter per distinct payload.</summary>
    public static string ConflictId(ReadOnlySpan<byte> payload) => "conflict-" + Hash(payload);

    public static bool IsDerived(string taskId) => taskId.StartsWith("derived-", StringComparison.Ordinal);

    /// <summary>The id of a dead letter made from a payload that was not a valid task.</summary>
    public static bool IsMalformed(string taskId) => taskId.StartsWith("malformed-", StringComparison.Ordinal);

    /// <summary>The id of a dead letter made from a task whose id named another document.</summary>
    public static bool IsConflict(string taskId) => taskId.StartsWith("conflict-", StringComparison.Ordinal);

    private static string Hash(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload))[..32];
}
