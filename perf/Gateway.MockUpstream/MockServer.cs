using System.Net;
using System.Net.Sockets;

namespace Gateway.MockUpstream;

/// <summary>The listening socket and its accept loop; also hosted in-process by the perf tests.</summary>
public sealed class MockServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly MockResponses _responses;
    private readonly MockOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly HashSet<Socket> _open = [];
    private long _requests;

    private MockServer(MockOptions options)
    {
        _options = options;
        _responses = new MockResponses(options);
        _listener = new Socket(options.Host.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT too, and a second mock on a busy port would then
        // silently share the connections of the first instead of failing (exit 1).
        _listener.Bind(new IPEndPoint(options.Host, options.Port));
        // Scenario 2 of issue 6 opens 10,000 sessions at once: a deep backlog keeps the burst from being refused.
        _listener.Listen(8192);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Requests answered so far (every route).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Binds and starts accepting; throws <see cref="SocketException"/> when the address cannot be bound.</summary>
    public static MockServer Start(MockOptions options) => new(options);

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void Forget(Socket socket)
    {
        lock (_open)
        {
            _open.Remove(socket);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // A connection reset while in the backlog: keep accepting.
            }
            socket.NoDelay = true;
            lock (_open)
            {
                _open.Add(socket);
            }
            var connection = new MockConnection(socket, _responses, _options, this);
            _ = Task.Run(() => connection.RunAsync(_stop.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }
            _open.Clear();
        }
        _stop.Dispose();
    }
}
