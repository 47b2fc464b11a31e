using System.Globalization;

namespace PdfAspire.Testing;

/// <summary>CPU time a process has used so far (user + system), read from /proc/{pid}/stat.</summary>
public static class ProcessCpu
{
    /// <summary>Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.</summary>
    private const double TicksPerSecond = 100;

    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (user + system) / TicksPerSecond;
    }
}
