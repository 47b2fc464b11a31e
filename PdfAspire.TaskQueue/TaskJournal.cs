using System.Text.Json;

namespace PdfAspire.TaskQueue;

/// <summary>
/// What the moves write about a task besides its record: its timeline's events, and how much of an error message the
/// record keeps (the timeline and the dead letter keep it whole).
/// </summary>
public static class TaskJournal
{
    /// <summary>Events kept per task; older ones are trimmed.</summary>
    public const int MaxEvents = 100;

    /// <summary>
    /// The record's <see cref="TaskRecordFields.LastError"/> keeps this many UTF-8 bytes of a message: enough to read at a
    /// glance, short enough for Redis's compact hash encoding (64 bytes a value by default).
    /// </summary>
    public const int MaxRecordedErrorBytes = 64;

    public static string Json(TaskEvent entry) => JsonSerializer.Serialize(entry, TaskQueueJsonContext.Default.TaskEvent);

    public static string Clip(string message)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(message) <= MaxRecordedErrorBytes)
        {
            return message;
        }
        // Whole characters only, and room for the ellipsis (3 bytes).
        var bytes = 0;
        var length = 0;
        foreach (var rune in message.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxRecordedErrorBytes - 3)
            {
                break;
            }
            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }
        return message[..length] + "…";
    }

    /// <summary>The "started" event of an attempt, written when the timeline begins with it.</summary>
    public static string Started(DateTimeOffset at, string workerId) => Json(new TaskEvent { At = at, Kind = TaskEventKinds.Started, Worker = workerId });
}
