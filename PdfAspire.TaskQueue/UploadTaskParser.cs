using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PdfAspire.TaskQueue;

/// <summary>Reads producers' task JSON, and gives tasks without an id a stable one derived from the payload.</summary>
public static class UploadTaskParser
{
    /// <summary>Task ids become Redis key parts and gRPC fields; this keeps them printable and bounded.</summary>
    public const int MaxTaskIdLength = 200;

    /// <summary>A task names a document; it doesn't carry one. Anything bigger is a producer's mistake (or worse).</summary>
    public const int MaxPayloadLength = 64 << 10;

    public static bool TryParse(string payload, string defaultBucket, out UploadTask task, out string error)
    {
        task = new UploadTask();
        if (payload.Length > MaxPayloadLength)
        {
            error = $"task is {payload.Length:N0} characters; the limit is {MaxPayloadLength:N0}";
            return false;
        }
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
        if (parsed.TaskId is { } id && (id.Length is 0 or > MaxTaskIdLength || id.Any(char.IsControl)))
        {
            error = $"task_id must be 1-{MaxTaskIdLength} printable characters";
            return false;
        }
        task = parsed with
        {
            TaskId = parsed.TaskId ?? DeriveId(payload),
            Bucket = string.IsNullOrWhiteSpace(parsed.Bucket) ? defaultBucket : parsed.Bucket,
            FileName = string.IsNullOrWhiteSpace(parsed.FileName) ? Path.GetFileName(parsed.ObjectKey) : parsed.FileName,
        };
        error = "";
        return true;
    }

    /// <summary>
    /// Same payload, same id: a task re-delivered after a crash keeps its identity, so ingest still stores it once.
    /// </summary>
    public static string DeriveId(string payload) =>
        "derived-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)))[..32];

    public static bool IsDerived(string taskId) => taskId.StartsWith("derived-", StringComparison.Ordinal);
}
