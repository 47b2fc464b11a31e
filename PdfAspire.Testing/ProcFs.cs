using System.Globalization;

namespace PdfAspire.Testing;

/// <summary>What the kernel says about a process: its memory and its children.</summary>
public static class ProcFs
{
    /// <summary>Starts the kernel's count of the process's peak resident memory (VmHWM) again from now (clear_refs 5).</summary>
    public static void ResetPeakResidentBytes(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");

    /// <summary>VmHWM: the most resident memory the process ever held (since the last reset).</summary>
    public static long PeakResidentBytes(int processId) => Kilobytes(File.ReadAllLines($"/proc/{processId}/status"), "VmHWM:");

    /// <summary>
    /// The memory a group of processes holds together, shared pages counted once, from the kernel's counters (cheap
    /// enough to sample often; Pss from smaps walks every page table): each one's private anonymous and shared-memory
    /// pages, plus the largest one's file pages, which for a worker and its extractors are the same runtime and
    /// assemblies mapped by all.
    /// </summary>
    public static long TogetherBytes(IEnumerable<int> processIds)
    {
        var status = processIds.Select(id => File.ReadAllLines($"/proc/{id}/status")).ToList();
        return status.Sum(s => Kilobytes(s, "RssAnon:") + Kilobytes(s, "RssShmem:")) + status.Max(s => Kilobytes(s, "RssFile:"));
    }

    private static long Kilobytes(string[] status, string field)
    {
        var line = status.First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) << 10;
    }

    /// <summary>The process's children now: each of its threads lists those it started.</summary>
    public static IReadOnlyList<int> Children(int processId) =>
        [.. Directory.EnumerateDirectories($"/proc/{processId}/task")
            .SelectMany(ChildrenOfThread)
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))];

    /// <summary>A thread that ended after the listing has no children file left, and no children either.</summary>
    private static string[] ChildrenOfThread(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }
}
