using System.Globalization;

namespace PdfAspire.Worker.Extraction.Isolation;

/// <summary>A process and everything it started, as the kernel lists them under /proc.</summary>
public static class ProcessTree
{
    private const long PageBytes = 4096;

    /// <summary>Resident memory of <paramref name="processId"/> and its descendants; 0 for any that has gone.</summary>
    public static long ResidentBytes(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        return Descendants(processId).Prepend(processId).Sum(Resident);
    }

    private static IEnumerable<int> Descendants(int processId) => Children(processId).SelectMany(child => Descendants(child).Prepend(child));

    private static IEnumerable<int> Children(int processId)
    {
        try
        {
            return [.. Directory.EnumerateDirectories($"/proc/{processId}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(id => int.Parse(id, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The second field of /proc/{pid}/statm: resident pages.</summary>
    private static long Resident(int processId)
    {
        try
        {
            var statm = File.ReadAllText($"/proc/{processId}/statm").Split(' ');
            return long.Parse(statm[1], CultureInfo.InvariantCulture) * PageBytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
