using System.Globalization;

namespace PdfAspire.Testing;

/// <summary>CPU time a process has used so far (user + system), read from /proc/{pid}/stat.</summary>
public static class ProcessCpu
{
    /// <summary>Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.</summary>
    private const double TicksPerSecond = 100;

    public static double Seconds(int pid) => Sum(pid, 11, 12);

    /// <summary>As <see cref="Seconds"/>, or null once the process has exited (a listed child may be gone a moment later).</summary>
    public static double? TrySeconds(int pid)
    {
        try
        {
            return Seconds(pid);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>What the process's children used, counted once each has exited and been waited for (pdftotext runs).</summary>
    public static double ReapedChildrenSeconds(int pid) => Sum(pid, 13, 14);

    private static double Sum(int pid, int userField, int systemField)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var user = long.Parse(fields[userField], CultureInfo.InvariantCulture);
        var system = long.Parse(fields[systemField], CultureInfo.InvariantCulture);
        return (user + system) / TicksPerSecond;
    }
}
