using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PdfAspire.Testing;

/// <summary>
/// A TCP port free on loopback now, for the processes a test starts itself. It is chosen below the kernel's ephemeral
/// range, and never handed out twice in this process: a port the kernel picks for a listener (port 0) can be picked
/// again for the next caller, or for any connection's local end, before the process meant to bind it has started; a
/// Redis Cluster node once found its bus port taken that way and aborted.
/// </summary>
public static class LoopbackPort
{
    /// <summary>Above the fixed ports of ./run.sh's dashboard (15180, 19180, 20180), which some tests hold on purpose.</summary>
    private const int Lowest = 21_000;

    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    private static readonly int EphemeralLow = ReadEphemeralLow();

    public static int Free()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, EphemeralLow);
            if (HandedOut.TryAdd(port, true) && IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port between {Lowest} and {EphemeralLow}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the range the kernel takes ephemeral ports from (32768 unless configured otherwise).</summary>
    private static int ReadEphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var low = File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0],
            System.Globalization.CultureInfo.InvariantCulture, out var first) ? first : 32_768;
        // A range configured to start very low leaves no room below it: take ports above the lowest then, as before.
        return low > Lowest + 1_000 ? low : 32_768;
    }
}
