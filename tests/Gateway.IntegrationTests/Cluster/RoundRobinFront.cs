using System.Net;
using System.Net.Sockets;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// A TCP load balancer in front of the instances: each new connection goes to the next instance in turn, passed on
/// byte for byte; an instance that refuses the connection (dead) is skipped, as a balancer's health check would.
/// </summary>
internal sealed class RoundRobinFront : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint[] _backends;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private int _next;

    public RoundRobinFront(IPEndPoint[] backends)
    {
        _backends = backends;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The instance the next connection goes to (when it lives).</summary>
    public int Next => _next % _backends.Length;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var backend = await ConnectAsync();
                if (backend is null)
                {
                    client.Dispose();
                    continue;
                }
                lock (_pumps)
                {
                    _pumps.Add(PumpAsync(client, backend));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<Socket?> ConnectAsync()
    {
        for (var tried = 0; tried < _backends.Length; tried++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var backend = _backends[_next++ % _backends.Length];
            try
            {
                await socket.ConnectAsync(backend, _stop.Token);
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }
        return null;
    }

    /// <summary>Both directions until either side closes; then both sockets close, as a proxy's connection does.</summary>
    private async Task PumpAsync(Socket client, Socket backend)
    {
        using (client)
        using (backend)
        {
            await Task.WhenAny(CopyAsync(client, backend), CopyAsync(backend, client));
        }
    }

    private async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await from.ReceiveAsync(buffer, _stop.Token) is > 0 and var count)
            {
                await to.SendAsync(buffer.AsMemory(0, count), _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
