using System.Text.Json;
using PdfAspire.TaskQueue;

namespace PdfAspire.Admin.Components.Pages.Failures;

/// <summary>
/// What the failures search matches: <c>key=value</c> against the task's metadata (as its payload carries it; the
/// value by prefix, case-insensitive), any other text against the file name, task id, object key and error.
/// </summary>
public static class DeadLetterSearch
{
    public static bool Matches(DeadLetter letter, string search)
    {
        var text = search.Trim();
        if (text.Length == 0)
        {
            return true;
        }
        if (TaskQuery.MetadataPair(text) is { } pair)
        {
            return MetadataOf(letter).TryGetValue(pair.Key, out var actual) && actual.StartsWith(pair.Value, StringComparison.OrdinalIgnoreCase);
        }
        return new[] { letter.FileName, letter.TaskId, letter.ObjectKey, letter.Message }
            .Any(field => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>The metadata of the letter's payload; none when the payload is not a task (a malformed one).</summary>
    private static Dictionary<string, string> MetadataOf(DeadLetter letter)
    {
        try
        {
            var task = JsonSerializer.Deserialize(letter.Payload, TaskQueueJsonContext.Default.UploadTask);
            return task?.Metadata is { } metadata
                ? new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>();
        }
        catch (JsonException)
        {
            return new Dictionary<string, string>();
        }
    }
}
