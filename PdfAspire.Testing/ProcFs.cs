using System.Globalization;

namespace PdfAspire.Testing;

/// <summary>What the kernel says about a process: its memory and its children.</summary>
public static class ProcFs
{
    /// <summary>VmHWM: the most resident memory the process ever held.</summary>
    public static long PeakResidentBytes(int processId) => Kilobytes($"/proc/{processId}/status", "VmHWM:");

    /// <summary>
    /// Pss: resident memory with each shared page divided among the processes sharing it, so the sum over a group of
    /// processes counts the runtime's shared libraries once, as a pod's memory accounting does.
    /// </summary>
    public static long ProportionalBytes(int processId) => Kilobytes($"/proc/{processId}/smaps_rollup", "Pss:");

    private static long Kilobytes(string file, string field)
    {
        var line = File.ReadLines(file).First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) << 10;
    }

    /// <summary>The process's children now: each of its threads lists those it started.</summary>
    public static IReadOnlyList<int> Children(int processId) =>
        [.. Directory.EnumerateDirectories($"/proc/{processId}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))];
}
