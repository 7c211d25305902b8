using System.Net;
using System.Net.Sockets;

namespace Gateway.Server.Transport;

/// <summary>Opens outgoing TCP connections: the host's addresses from DNS, tried in the order DNS gives them.</summary>
internal static class SocketConnector
{
    /// <summary>A connected socket with Nagle off; the token bounds resolution and every attempt together.</summary>
    /// <exception cref="SocketException">No address of the host accepted the connection (the last address's error).</exception>
    public static async ValueTask<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        // An address literal resolves to itself without a query.
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
