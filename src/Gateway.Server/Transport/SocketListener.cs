using System.Net;
using System.Net.Sockets;

namespace Gateway.Server.Transport;

/// <summary>A bound, listening TCP socket that hands out accepted sockets.</summary>
internal sealed class SocketListener : IDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly Socket _socket;

    private SocketListener(Socket socket) => _socket = socket;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static SocketListener Bind(IPEndPoint endPoint, int backlog)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = true;
            }
            socket.Bind(endPoint);
            socket.Listen(backlog);
            return new SocketListener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next accepted socket, or null once the listener has been disposed.</summary>
    public async ValueTask<Socket?> AcceptAsync()
    {
        while (true)
        {
            try
            {
                return await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // The client gave up while waiting in the backlog; take the next one.
            }
            catch (SocketException)
            {
                // Out of file descriptors (EMFILE/ENFILE) or another transient accept failure: the
                // listener stays up, open connections keep being served, and accepting resumes once
                // some have closed. Back off so a persistent failure does not spin a core.
                await Task.Delay(AcceptRetryDelay).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
