namespace PdfAspire.TaskQueue;

/// <summary>
/// The entries of the task search index (<see cref="QueueKeys.TaskIndex"/>), all at score 0 so Redis orders them by
/// their bytes: a kind, the lower-cased searchable text, <see cref="Separator"/> and the task id. A lexical range over
/// a prefix finds the tasks whose text starts with it. Control characters never enter an entry, so the separators
/// can't be forged. A task id needs no entry: it is the name of the task's own record.
/// </summary>
public static class SearchEntries
{
    /// <summary>Ends the searchable part; the task id follows.</summary>
    public const char Separator = '\u0001';

    /// <summary>Between a metadata value and its key.</summary>
    public const char KeySeparator = '\u0002';

    /// <summary>Metadata pairs a task is found by, at most: a producer's metadata can be large, the index may not grow with it.</summary>
    public const int MaxMetadataPairs = 16;

    /// <summary>Characters of a metadata value that are searchable (its prefix), at most.</summary>
    public const int MaxValueChars = 100;

    /// <summary>Every entry one task has: its file name, and its first <see cref="MaxMetadataPairs"/> metadata pairs.</summary>
    public static IReadOnlyList<string> For(string taskId, string? fileName, IReadOnlyDictionary<string, string>? metadata)
    {
        var entries = new List<string>(1 + Math.Min(MaxMetadataPairs, metadata?.Count ?? 0));
        if (!string.IsNullOrWhiteSpace(fileName))
        {
            entries.Add($"{NamePrefix(fileName)}{Separator}{taskId}");
        }
        foreach (var (key, value) in (metadata ?? new Dictionary<string, string>()).OrderBy(m => m.Key, StringComparer.Ordinal).Take(MaxMetadataPairs))
        {
            entries.Add($"{MetadataPrefix(key, value)}{Separator}{taskId}");
        }
        return entries;
    }

    /// <summary>File names by prefix, case-insensitive.</summary>
    public static string NamePrefix(string fileNameStart) => "n:" + Plain(fileNameStart);

    /// <summary>
    /// A metadata pair, value first: <c>m:{value}\u0002{key}</c>. A value is found by its prefix, alone or with its key
    /// (<see cref="MetadataKeyOf"/> tells the key of an entry); keys and values never run into each other.
    /// </summary>
    public static string MetadataPrefix(string key, string value) => $"{ValuePrefix(value)}{KeySeparator}{Plain(key)}";

    public static string ValuePrefix(string valueStart) => "m:" + Plain(valueStart.Length > MaxValueChars ? valueStart[..MaxValueChars] : valueStart);

    /// <summary>A metadata key as <see cref="MetadataKeyOf"/> gives it back.</summary>
    public static string MetadataKey(string key) => Plain(key);

    /// <summary>The lower-cased metadata key of an <c>m:</c> entry; null for other entries.</summary>
    public static string? MetadataKeyOf(string entry)
    {
        var key = entry.IndexOf(KeySeparator, StringComparison.Ordinal);
        var end = entry.IndexOf(Separator, StringComparison.Ordinal);
        return entry.StartsWith("m:", StringComparison.Ordinal) && key > 0 && end > key ? entry[(key + 1)..end] : null;
    }

    public static string TaskIdOf(string entry) => entry[(entry.IndexOf(Separator, StringComparison.Ordinal) + 1)..];

    /// <summary>Lower-cased, control characters (the separators among them) left out.</summary>
    private static string Plain(string text) => string.Concat(text.Where(c => !char.IsControl(c))).ToLowerInvariant();
}
