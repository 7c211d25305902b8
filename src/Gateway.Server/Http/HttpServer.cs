using System.Collections.Concurrent;
using System.Net;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Routing;
using Gateway.Server.Transport;

namespace Gateway.Server.Http;

/// <summary>Accepts connections and runs an <see cref="HttpConnection"/> on each, within the connection limit.</summary>
/// <remarks>
/// One heartbeat timer serves every connection's timeouts and the Date header. Stopping closes the
/// listener, lets in-flight requests finish (idle connections close at once), tells those still running
/// shortly before the shutdown timeout to end (<see cref="HttpServerOptions.StreamEndAllowance"/>), then
/// aborts whatever is left at the timeout.
/// </remarks>
internal sealed class HttpServer : IAsyncDisposable
{
    private readonly HttpServerOptions _options;
    private readonly Router _router;
    private readonly GatewayLog _log;
    private readonly BearerKeyAuthenticator? _authenticator;
    private readonly HttpMetrics _metrics;
    private readonly DateHeader _date = new();
    private readonly ConcurrentDictionary<long, HttpConnection> _connections = new();
    private readonly TaskCompletionSource _allClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _serverStopping = new();
    private SocketListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private ITimer? _heartbeat;
    private long _nextConnectionId;
    private int _connectionCount;
    private volatile bool _stopping;

    /// <param name="authenticator">When set, every route not mapped as anonymous needs a bearer key.</param>
    /// <param name="metrics">Where requests and connections are counted; a server of its own when not given.</param>
    public HttpServer(HttpServerOptions options, Router router, GatewayLog log, BearerKeyAuthenticator? authenticator = null, HttpMetrics? metrics = null)
    {
        _options = options;
        _router = router;
        _log = log;
        _authenticator = authenticator;
        _metrics = metrics ?? new HttpMetrics(new MetricsRegistry(), TimeProvider.System);
        _metrics.BindRoutes(router.Templates);
    }

    public IPEndPoint EndPoint => _listener?.LocalEndPoint ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>How many connections are open right now.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public void Start(IPEndPoint endPoint)
    {
        // As long a queue as the kernel allows (Linux caps it at net.core.somaxconn, 4096 since 5.4): a burst of connects
        // (the lab's 10,000 mock sessions at once) waits there for the accept loop instead of being dropped into SYN retries.
        _listener = SocketListener.Bind(endPoint, backlog: int.MaxValue);
        _heartbeat = TimeProvider.System.CreateTimer(_ => OnHeartbeat(), null, _options.HeartbeatInterval, _options.HeartbeatInterval);
        _acceptLoop = AcceptLoopAsync(_listener);
    }

    /// <summary>Stops accepting, drains in-flight requests for up to the shutdown timeout, then aborts the rest.</summary>
    public async Task StopAsync()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);

        foreach (var connection in _connections.Values)
        {
            connection.BeginShutdown();
        }
        if (ConnectionCount == 0)
        {
            _allClosed.TrySetResult();
        }
        var endAllowance = _options.StreamEndAllowance;
        if (!await WaitAllClosedAsync(_options.ShutdownTimeout - endAllowance).ConfigureAwait(false))
        {
            // Responses that could not finish are told to end now, well-formed, while there is time to send their end.
            _log.Info($"Shutdown: ending {ConnectionCount} response(s) still running.");
            await _serverStopping.CancelAsync().ConfigureAwait(false);
            if (!await WaitAllClosedAsync(endAllowance).ConfigureAwait(false))
            {
                _log.Warning($"Shutdown timeout: aborting {ConnectionCount} connection(s).");
                foreach (var connection in _connections.Values)
                {
                    connection.Abort();
                }
                await WaitAllClosedAsync(SocketConnection.LingerTime).ConfigureAwait(false);
            }
        }
        _heartbeat?.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task<bool> WaitAllClosedAsync(TimeSpan timeout)
    {
        try
        {
            await _allClosed.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task AcceptLoopAsync(SocketListener listener)
    {
        while (await listener.AcceptAsync().ConfigureAwait(false) is { } socket)
        {
            var overCapacity = Interlocked.Increment(ref _connectionCount) > _options.MaxConnections;
            _metrics.Connections.Increment();
            var transport = new SocketConnection(socket);
            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new HttpConnection(id, transport, _options, _router, _date, _log, _authenticator, _metrics, _serverStopping.Token);
            // Each connection runs on the thread pool so a slow one never holds up the accept loop.
            ThreadPool.UnsafeQueueUserWorkItem(
                static state => _ = state.Server.RunConnectionAsync(state.Id, state.Transport, state.Connection, state.OverCapacity),
                (Server: this, Id: id, Transport: transport, Connection: connection, OverCapacity: overCapacity),
                preferLocal: false);
        }
    }

    private async Task RunConnectionAsync(long id, SocketConnection transport, HttpConnection connection, bool overCapacity)
    {
        _connections[id] = connection;
        if (_stopping)
        {
            connection.BeginShutdown();
        }
        try
        {
            var transferring = transport.RunAsync();
            if (overCapacity)
            {
                _metrics.RejectedAtLimit.Increment();
            }
            await (overCapacity ? connection.RejectOverCapacityAsync() : connection.ProcessRequestsAsync()).ConfigureAwait(false);
            await transferring.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.Error("Connection failed.", e);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            if (Interlocked.Decrement(ref _connectionCount) == 0 && _stopping)
            {
                _allClosed.TrySetResult();
            }
        }
    }

    private void OnHeartbeat()
    {
        _date.Refresh(DateTimeOffset.UtcNow);
        var now = Environment.TickCount64;
        foreach (var connection in _connections.Values)
        {
            connection.OnHeartbeat(now);
        }
    }
}
