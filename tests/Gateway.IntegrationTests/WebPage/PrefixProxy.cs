using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.WebPage;

/// <summary>
/// A tiny reverse proxy that serves the gateway under a path prefix, as nginx's <c>location /gw/ { proxy_pass http://gateway/; }</c>
/// does: <c>/gw/x</c> goes to <c>/x</c>, <c>/gw</c> is redirected to <c>/gw/</c>. One request per connection (it asks for
/// <c>Connection: close</c>), so only request heads are rewritten and the rest is copied byte for byte.
/// </summary>
internal sealed class PrefixProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;

    public PrefixProxy(IPEndPoint upstream, string prefix)
    {
        _upstream = upstream;
        _prefix = prefix;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Root => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{_prefix}/");

    /// <summary>Resets every connection in flight, as a proxy or network failure would (the gateway sees its client leave).</summary>
    public void DropAll()
    {
        foreach (var socket in _open.Keys)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile by its own copy loop.
            }
            socket.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stopping.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[upstream] = 0;
        try
        {
            var (head, body) = await ReadHeadAsync(client);
            var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
            var target = requestLine[1];
            if (target == _prefix)
            {
                await client.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 301 Moved Permanently\r\nLocation: {_prefix}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                return;
            }
            if (!target.StartsWith(_prefix + "/", StringComparison.Ordinal))
            {
                await client.SendAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                return;
            }
            var headers = head[(head.IndexOf("\r\n", StringComparison.Ordinal) + 2)..].Split("\r\n")
                .Where(line => line.Length > 0 && !line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
            var rewritten = $"{requestLine[0]} {target[_prefix.Length..]} {requestLine[2]}\r\n{string.Join("\r\n", headers)}\r\nConnection: close\r\n\r\n";
            await upstream.ConnectAsync(_upstream, _stopping.Token);
            await upstream.SendAsync(Encoding.Latin1.GetBytes(rewritten));
            await upstream.SendAsync(body);
            await Task.WhenAny(CopyAsync(client, upstream), CopyAsync(upstream, client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            client.Dispose();
        }
    }

    /// <summary>The request head up to its blank line, and whatever body bytes came with it.</summary>
    private async Task<(string Head, byte[] Body)> ReadHeadAsync(Socket client)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), _stopping.Token);
            if (read == 0)
            {
                throw new IOException("The client closed before its request head ended.");
            }
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.Latin1.GetString(buffer, 0, end + 2), buffer[(end + 4)..length]);
            }
        }
    }

    private async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReceiveAsync(buffer, _stopping.Token)) > 0)
        {
            await to.SendAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
        to.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        DropAll();
        await _accepting;
        _stopping.Dispose();
    }
}
