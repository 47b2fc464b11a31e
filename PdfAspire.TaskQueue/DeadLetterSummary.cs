using System.Text.Json;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What the failures page lists, filters and counts of a dead letter, kept beside it (<see cref="QueueKeys.DeadSummaries"/>)
/// so a page never reads the payloads (up to 64 KiB each): a few hundred bytes, its metadata's first pairs and its error
/// clipped. The letter itself is read only when an operator opens it to edit.
/// </summary>
public sealed record DeadLetterSummary
{
    private const int MessageChars = 500;

    public required string TaskId { get; init; }
    public required string Category { get; init; }
    public required string Message { get; init; }
    public int Attempts { get; init; }
    public string? FileName { get; init; }
    public string? ObjectKey { get; init; }
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>The first <see cref="SearchEntries.MaxMetadataPairs"/> metadata pairs of the payload, values clipped: what a search matches.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The lane the letter is in: where it was read from, not stored with it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Lane { get; init; } = "";

    public static DeadLetterSummary Of(DeadLetter letter) => new()
    {
        TaskId = letter.TaskId,
        Category = letter.Category,
        Message = letter.Message.Length > MessageChars ? letter.Message[..MessageChars] + "…" : letter.Message,
        Attempts = letter.Attempts,
        FileName = letter.FileName,
        ObjectKey = letter.ObjectKey,
        FailedAt = letter.FailedAt,
        Metadata = MetadataOf(letter.Payload),
    };

    public string ToJson() => JsonSerializer.Serialize(this, TaskQueueJsonContext.Default.DeadLetterSummary);

    public static DeadLetterSummary FromJson(string json) => JsonSerializer.Deserialize(json, TaskQueueJsonContext.Default.DeadLetterSummary)!;

    /// <summary>The metadata a payload carries; none when it is not a task (a malformed one).</summary>
    private static Dictionary<string, string>? MetadataOf(string payload)
    {
        try
        {
            var metadata = JsonSerializer.Deserialize(payload, TaskQueueJsonContext.Default.UploadTask)?.Metadata;
            return metadata is { Count: > 0 }
                ? metadata.OrderBy(m => m.Key, StringComparer.Ordinal).Take(SearchEntries.MaxMetadataPairs).ToDictionary(
                    m => m.Key, m => m.Value.Length > SearchEntries.MaxValueChars ? m.Value[..SearchEntries.MaxValueChars] : m.Value, StringComparer.Ordinal)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Which dead letters the failures page shows: a category (null: all), a search, and "failed before".</summary>
public sealed record DeadLetterQuery(string? Category = null, string Search = "", DateTimeOffset? FailedBefore = null)
{
    public bool IsFiltered => Category is not null || Search.Trim().Length > 0 || FailedBefore is not null;

    /// <summary>
    /// <c>key=value</c> against the metadata (the value by prefix, case-insensitive), any other text against the file
    /// name, task id, object key and error.
    /// </summary>
    public bool Matches(DeadLetterSummary letter)
    {
        if (Category is not null && letter.Category != Category)
        {
            return false;
        }
        var text = Search.Trim();
        if (text.Length == 0)
        {
            return true;
        }
        if (TaskQuery.MetadataPair(text) is { } pair)
        {
            return letter.Metadata?.FirstOrDefault(m => m.Key.Equals(pair.Key, StringComparison.OrdinalIgnoreCase)) is { Value: { } actual }
                && actual.StartsWith(pair.Value, StringComparison.OrdinalIgnoreCase);
        }
        return new[] { letter.FileName, letter.TaskId, letter.ObjectKey, letter.Message }
            .Any(field => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);
    }
}

/// <summary>One page of dead letters, and how many match in all.</summary>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetterSummary> Letters, int Matching);
