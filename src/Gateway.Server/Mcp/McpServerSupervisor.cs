using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Threading.Channels;
using Gateway.Server.Diagnostics;
using Gateway.Tools;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>
/// Keeps one configured server running: start, initialize, list its tools, serve calls until it ends, then wait
/// (<see cref="McpBackoff"/>) and start it again; every change is a new <see cref="McpServerState"/>.
/// </summary>
internal sealed partial class McpServerSupervisor : IMcpServer, IAsyncDisposable
{
    /// <summary>A server answering more pages than this is cut there (a cursor that never ends).</summary>
    private const int MaxToolPages = 64;

    /// <summary>How long a client's disposal may take (HTTP sends DELETE to a server that may hang).</summary>
    private static readonly TimeSpan DisposeLimit = TimeSpan.FromSeconds(2);

    private static readonly Implementation s_clientInfo = new()
    {
        Name = "gateway",
        Version = typeof(McpServerSupervisor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
    };

    private readonly McpServerConfig _config;
    private readonly McpOptions _options;
    private readonly Func<ToolContext?, CancellationToken, Task<IMcpConnection>> _connect;
    private readonly GatewayLog _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private volatile McpServerState _state;
    private volatile Link? _link;
    private Task _running = Task.CompletedTask;
    private int _started;

    /// <param name="connect">Starts the server (stdio) or opens its endpoint (HTTP), once per life; for a session's own instance, given that session's context (else null).</param>
    /// <param name="time">The clock of the backoff and the pings; tests step a fake one.</param>
    public McpServerSupervisor(McpServerConfig config, McpOptions options, Func<ToolContext?, CancellationToken, Task<IMcpConnection>> connect, GatewayLog log, TimeProvider time)
    {
        _config = config;
        _options = options;
        _connect = connect;
        _log = log;
        _time = time;
        var state = new McpServerState(config.Name, config.Transport, config.Scope, McpServerStatus.Starting, [], Restarts: 0);
        _state = config switch
        {
            { Invalid: { } reason } => state with { Status = McpServerStatus.Invalid, LastError = reason },
            { Disabled: true } => state with { Status = McpServerStatus.Stopped },
            _ => state,
        };
    }

    public string Name => _config.Name;

    public McpServerState State => _state;

    public event Action? StateChanged;

    /// <summary>Starts keeping the server (a per-session one's template) running, in the background; an invalid or disabled one stays as it is.</summary>
    public void Start()
    {
        if (_state.Status == McpServerStatus.Starting && Interlocked.Exchange(ref _started, 1) == 0)
        {
            _running = Task.Run(RunAsync);
        }
    }

    /// <summary>Stops the server (its calls fail as unavailable) and waits for it to be gone; again, waits again.</summary>
    /// <remarks><see cref="_stop"/> is not disposed: it has no timer, and a second call still reads it.</remarks>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        // Sessions still holding an instance (the gateway stops before they end): theirs end too.
        await EndSessionInstancesAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var failures = 0;
        while (true)
        {
            var (error, readyFor) = await LiveOnceAsync().ConfigureAwait(false);
            if (_stop.IsCancellationRequested)
            {
                break;
            }
            if (readyFor >= McpBackoff.Recovered)
            {
                failures = 0;
            }
            var delay = McpBackoff.Delay(failures++, _options.RestartMax, Random.Shared.NextDouble());
            var now = _time.GetUtcNow();
            _log.Warning(string.Create(CultureInfo.InvariantCulture, $"mcp server {Name} {error}; restarting in {delay.TotalSeconds:0.0} s"));
            // On the clock before the state says so: a test steps a fake clock once it sees the backoff.
            var waiting = Task.Delay(delay, _time, _stop.Token);
            Publish(_state with { Status = McpServerStatus.Backoff, Tools = [], Pid = null, LastError = error, LastErrorAt = now, NextAttemptAt = now + delay });
            try
            {
                await waiting.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Publish(_state with { Status = McpServerStatus.Starting, Restarts = _state.Restarts + 1, NextAttemptAt = null });
        }
        Publish(_state with { Status = McpServerStatus.Stopped, Tools = [], Pid = null, NextAttemptAt = null });
    }

    /// <summary>One life of the server, from its start to its end: why it ended (for lastError), and how long it was ready.</summary>
    private async Task<(string Error, TimeSpan ReadyFor)> LiveOnceAsync()
    {
        IMcpConnection? connection = null;
        McpClient? client = null;
        long readySince = 0;
        var toolsChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        starting.CancelAfter(_options.StartTimeout);
        try
        {
            connection = await _connect(null, starting.Token).ConfigureAwait(false);
            Publish(_state with { Pid = connection.Pid });
            client = await McpClient.CreateAsync(connection.Transport, ClientOptions(toolsChanged.Writer), loggerFactory: null, starting.Token).ConfigureAwait(false);
            var tools = await ListToolsAsync(client, starting.Token).ConfigureAwait(false);
            var link = new Link(client, connection);
            _link = link;
            readySince = _time.GetTimestamp();
            var info = client.ServerInfo;
            _log.Info(string.Create(CultureInfo.InvariantCulture,
                $"mcp server {Name} ready: {tools.Length} tools, {info?.Name} {info?.Version}, protocol {client.NegotiatedProtocolVersion}{(connection.Pid is { } pid ? $", pid {pid}" : "")}"));
            var ready = _state with
            {
                Status = McpServerStatus.Ready,
                Tools = tools,
                ProtocolVersion = client.NegotiatedProtocolVersion,
                ServerName = info?.Name,
                ServerVersion = info?.Version,
            };
            var error = await ServeAsync(link, ready, toolsChanged.Reader).ConfigureAwait(false);
            return (WithErrorTail(error, connection), _time.GetElapsedTime(readySince));
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException)
        {
            return ("stopped", TimeSpan.Zero);
        }
        catch (Exception e) when (IsConnectionFailure(e) || e is System.ComponentModel.Win32Exception)
        {
            var why = connection is null ? null : await connection.EndedBecauseAsync().ConfigureAwait(false);
            why ??= e is TimeoutException || (e is OperationCanceledException && starting.IsCancellationRequested)
                ? string.Create(CultureInfo.InvariantCulture, $"did not initialize and list its tools within {_options.StartTimeout.TotalSeconds} s")
                : $"failed to start: {e.Message}";
            return (WithErrorTail(why, connection), readySince == 0 ? TimeSpan.Zero : _time.GetElapsedTime(readySince));
        }
        finally
        {
            _link = null;
            await CloseAsync(client, connection).ConfigureAwait(false);
        }
    }

    /// <param name="toolsChanged">Told of each notifications/tools/list_changed; null: not listened to (a session's own instance, whose tools are the template's).</param>
    private McpClientOptions ClientOptions(ChannelWriter<bool>? toolsChanged) => new()
    {
        ClientInfo = s_clientInfo,
        InitializationTimeout = _options.StartTimeout,
        // No capabilities (roots, sampling, elicitation, tasks): plain tool calls; server-filesystem would swap its
        // allowed directories for our roots (trap 21).
        Handlers = new McpClientHandlers
        {
            NotificationHandlers = toolsChanged is null ? [] :
            [
                // Coalesced: at most one re-list pending beside the one running (server-everything sends one right after initialize, trap 6).
                new(NotificationMethods.ToolListChangedNotification, (_, _) =>
                {
                    toolsChanged.TryWrite(true);
                    return ValueTask.CompletedTask;
                }),
            ],
        },
    };

    /// <summary>Closes a client (within <see cref="DisposeLimit"/>), then its connection (a stdio server's group is killed).</summary>
    private async Task CloseAsync(McpClient? client, IMcpConnection? connection)
    {
        if (client is not null)
        {
            await DisposeWithinLimitAsync(client).ConfigureAwait(false);
        }
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>tools/list, every page (MCP 2025-11-25 pagination).</summary>
    private static async Task<ImmutableArray<Tool>> ListToolsAsync(McpClient client, CancellationToken cancellationToken)
    {
        var tools = ImmutableArray.CreateBuilder<Tool>();
        string? cursor = null;
        for (var page = 0; page < MaxToolPages; page++)
        {
            var result = await client.ListToolsAsync(new ListToolsRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            tools.AddRange(result.Tools);
            cursor = result.NextCursor;
            if (cursor is null)
            {
                break;
            }
        }
        return tools.ToImmutable();
    }

    private static string WithErrorTail(string error, IMcpConnection? connection) =>
        connection?.ErrorTail is { Length: > 0 } tail ? $"{error}; stderr: {tail}" : error;

    private async Task DisposeWithinLimitAsync(McpClient client)
    {
        try
        {
            await client.DisposeAsync().AsTask().WaitAsync(DisposeLimit).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            _log.Debug($"mcp server {Name}: closing the client: {e.Message}");
        }
    }

    /// <summary>What the SDK throws when the server is gone or will not answer (its own failures, the transport's, the HTTP client's).</summary>
    private static bool IsConnectionFailure(Exception e) =>
        e is IOException or HttpRequestException or ModelContextProtocol.McpException or ObjectDisposedException or TimeoutException
            or OperationCanceledException or InvalidOperationException;

    private void Publish(McpServerState state)
    {
        _state = state;
        StateChanged?.Invoke();
    }
}
