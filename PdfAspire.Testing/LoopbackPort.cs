using System.Net;
using System.Net.Sockets;

namespace PdfAspire.Testing;

/// <summary>A TCP port free on loopback now, for the processes a test starts itself.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
