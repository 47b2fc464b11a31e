using System.Text;
using System.Text.RegularExpressions;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What a task (or a ProcessDocument request) may say, checked once where it becomes a Redis key or an object-store
/// location. Each check returns why a value is refused, or null when it is fine.
/// </summary>
public static partial class TaskFieldRules
{
    /// <summary>Task ids become Redis key parts, gRPC fields and admin URLs.</summary>
    public const int MaxTaskIdLength = 200;

    /// <summary>S3's own limit on a key, in UTF-8 bytes.</summary>
    public const int MaxObjectKeyBytes = 1024;

    public const int MaxFileNameLength = 255;

    /// <summary>Prefixes of the ids the worker gives tasks itself; a producer's id may not imitate them.</summary>
    public static readonly string[] ReservedIdPrefixes = ["derived-", "malformed-", "conflict-"];

    /// <summary>
    /// Letters, digits, '.', '_' and '-', starting with a letter or digit. No ':' (the separator of every derived key, so
    /// an id can never name another task's events or a queue key) and none of the worker's own prefixes.
    /// </summary>
    public static string? TaskIdError(string id) =>
        !TaskId().IsMatch(id) ? $"task_id must be 1-{MaxTaskIdLength} letters, digits, '.', '_' or '-', starting with a letter or digit"
        : ReservedIdPrefixes.FirstOrDefault(p => id.StartsWith(p, StringComparison.OrdinalIgnoreCase)) is { } reserved ? $"task_id may not start with '{reserved}' (reserved for ids the worker gives)"
        : null;

    /// <summary>
    /// A key names one object inside its bucket and nothing else: no leading '/', no empty, '.' or '..' segments (S3
    /// servers and proxies resolve them, and 'x/../../other-bucket/y' would read another bucket), no control or
    /// direction-override characters (they forge log lines and disguise names), at most 1,024 UTF-8 bytes.
    /// </summary>
    public static string? ObjectKeyError(string key)
    {
        if (key.Length == 0)
        {
            return "object_key is empty";
        }
        if (Encoding.UTF8.GetByteCount(key) > MaxObjectKeyBytes)
        {
            return $"object_key is over {MaxObjectKeyBytes} UTF-8 bytes";
        }
        if (FirstUnsafeCharacter(key) is { } unsafeCharacter)
        {
            return $"object_key contains {unsafeCharacter}";
        }
        if (key.Split('/') is var segments && segments.Any(s => s is "" or "." or ".."))
        {
            return "object_key must be segments separated by single '/', with no leading or trailing '/' and no '.' or '..' segment";
        }
        return null;
    }

    /// <summary>S3's bucket naming rules: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit.</summary>
    public static string? BucketError(string bucket) =>
        Bucket().IsMatch(bucket) && !bucket.Contains("..", StringComparison.Ordinal) ? null
        : "bucket must be a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-')";

    public static string? FileNameError(string fileName) =>
        fileName.Length > MaxFileNameLength ? $"file_name is over {MaxFileNameLength} characters"
        : FirstUnsafeCharacter(fileName) is { } unsafeCharacter ? $"file_name contains {unsafeCharacter}"
        : null;

    /// <summary>
    /// A metadata key is a name, shown and searched in the admin: no control or direction-override characters (a
    /// newline or NUL would forge log lines, and once left out of the search index two keys would read the same).
    /// Values are the producer's text and pass unchanged.
    /// </summary>
    public static string? MetadataError(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Keys.Select(k => (Key: k, Unsafe: FirstUnsafeCharacter(k))).FirstOrDefault(k => k.Unsafe is not null) is { Unsafe: { } unsafeCharacter } bad
            ? $"metadata key '{CleanFileName(bad.Key)}' contains {unsafeCharacter}"
            : null;

    /// <summary>A file name a producer can use: unsafe characters dropped, at most <see cref="MaxFileNameLength"/> long.</summary>
    public static string CleanFileName(string fileName)
    {
        var clean = string.Concat(fileName.Where(c => !UnsafeCharacters.Contains(c))).Trim();
        return clean.Length <= MaxFileNameLength ? clean : clean[..MaxFileNameLength];
    }

    private static string? FirstUnsafeCharacter(string text)
    {
        var at = text.AsSpan().IndexOfAny(UnsafeCharacters);
        return at < 0 ? null : $"the character U+{(int)text[at]:X4}, which is not allowed";
    }

    private static readonly System.Buffers.SearchValues<char> UnsafeCharacters =
        System.Buffers.SearchValues.Create([.. Enumerable.Range(0, 0x10000).Select(i => (char)i).Where(IsUnsafe)]);

    /// <summary>Control characters, and the Unicode formatting characters that reorder how text is displayed.</summary>
    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex TaskId();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex Bucket();
}
