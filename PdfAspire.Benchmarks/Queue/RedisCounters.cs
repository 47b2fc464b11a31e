using System.Globalization;
using StackExchange.Redis;

namespace PdfAspire.Benchmarks.Queue;

/// <summary>
/// What redis-server itself counts, read at one moment: its CPU time (from /proc), the commands it executed (those
/// a script or MULTI runs counted one by one), the read events it served (one per request a client sent and waited
/// for: a round trip; a pipelined MULTI/EXEC is one) and the memory it holds.
/// </summary>
public sealed record RedisCounters(double CpuSeconds, long Commands, long Reads, long UsedMemory, long Keys,
    IReadOnlyDictionary<string, long> CallsByCommand, IReadOnlyDictionary<string, long> MicrosecondsByCommand)
{
    public static async Task<RedisCounters> ReadAsync(IServer server, int processId)
    {
        var info = (await server.InfoAsync("all")).SelectMany(section => section).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var stats = info.Where(p => p.Key.StartsWith("cmdstat_", StringComparison.Ordinal)).ToList();
        return new RedisCounters(ProcessCpu.Seconds(processId), Number(info, "total_commands_processed"), Number(info, "total_reads_processed"),
            Number(info, "used_memory"), await server.DatabaseSizeAsync(),
            stats.ToDictionary(p => p.Key["cmdstat_".Length..], p => Stat(p.Value, "calls"), StringComparer.Ordinal),
            stats.ToDictionary(p => p.Key["cmdstat_".Length..], p => Stat(p.Value, "usec"), StringComparer.Ordinal));
    }

    /// <summary>What happened between <paramref name="before"/> and this reading (memory and keys as they are now, less then).</summary>
    public RedisCounters Since(RedisCounters before) => new(CpuSeconds - before.CpuSeconds, Commands - before.Commands, Reads - before.Reads,
        UsedMemory - before.UsedMemory, Keys - before.Keys,
        CallsByCommand.ToDictionary(c => c.Key, c => c.Value - before.CallsByCommand.GetValueOrDefault(c.Key), StringComparer.Ordinal),
        MicrosecondsByCommand.ToDictionary(c => c.Key, c => c.Value - before.MicrosecondsByCommand.GetValueOrDefault(c.Key), StringComparer.Ordinal));

    private static long Number(Dictionary<string, string> info, string name) => long.Parse(info[name], CultureInfo.InvariantCulture);

    /// <summary>"calls=12,usec=34,…" with "calls" → 12.</summary>
    private static long Stat(string stat, string name) =>
        long.Parse(stat.Split(',').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);
}
