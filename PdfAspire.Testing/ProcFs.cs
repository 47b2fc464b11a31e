using System.Globalization;

namespace PdfAspire.Testing;

/// <summary>What the kernel says about a process: its peak memory and its children.</summary>
public static class ProcFs
{
    /// <summary>VmHWM: the most resident memory the process ever held.</summary>
    public static long PeakResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) << 10;
    }

    /// <summary>The process's children now: each of its threads lists those it started.</summary>
    public static IReadOnlyList<int> Children(int processId) =>
        [.. Directory.EnumerateDirectories($"/proc/{processId}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))];
}
