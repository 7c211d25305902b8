using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Perf.Tests;

/// <summary>
/// An in-process fake HTTP server: each request head read (up to the blank line; the tests send no bodies) is
/// answered by <c>respond</c>, which writes whatever bytes, pauses and framing the test scripts.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<NetworkStream, int, Task> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public ScriptedServer(Func<NetworkStream, int, Task> respond)
    {
        _respond = respond;
        _listener.Start(1024);
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public Uri Url(string path) => new($"http://{EndPoint}{path}");

    public static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                _ = ServeAsync(client); // Not awaited on dispose: a script may stall on purpose.
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new byte[8192];
        var pending = "";
        try
        {
            while (true)
            {
                while (!pending.Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }
                    pending += Encoding.ASCII.GetString(buffer, 0, n);
                }
                pending = pending[(pending.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
                await _respond(stream, Interlocked.Increment(ref _requests) - 1);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
