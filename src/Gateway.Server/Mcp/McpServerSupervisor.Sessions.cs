using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Gateway.Tools;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>
/// A per-session server ("scope":"session", design §3): the supervisor keeps a template for its tool list and the admin
/// view; each session calling it gets an instance of its own, started on its first call and ended with the session.
/// </summary>
internal sealed partial class McpServerSupervisor
{
    /// <summary>Every session's instance not yet ended (the admin view's count; the gateway's stop ends them).</summary>
    private readonly ConcurrentDictionary<SessionInstance, byte> _sessions = new();

    public int SessionInstances => _sessions.Count;

    public Task<CallToolResult> CallToolAsync(
        string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, ToolContext session,
        CancellationToken cancellationToken)
    {
        if (_config.Scope != McpServerConfig.PerSession)
        {
            return CallToolAsync(toolName, arguments, progress, cancellationToken);
        }
        SessionInstance instance;
        try
        {
            // The session's end disposes it (AgentOrchestrator.EndWorkspaceAsync).
            instance = session.SessionResources.GetOrAdd(this, () => new SessionInstance(this, session));
        }
        catch (ObjectDisposedException)
        {
            throw new McpUnavailableException("the session has ended");
        }
        return instance.CallToolAsync(toolName, arguments, progress, cancellationToken);
    }

    private async Task EndSessionInstancesAsync() =>
        await Task.WhenAll(_sessions.Keys.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);

    /// <summary>Starts the session's own instance: a process of its own in the session's workspace (stdio), or a new MCP session (HTTP).</summary>
    /// <param name="ended">Fires when the session ends first: its end does not wait out <see cref="McpOptions.StartTimeout"/>.</param>
    private async Task<Link> StartForSessionAsync(ToolContext session, CancellationToken ended)
    {
        IMcpConnection? connection = null;
        McpClient? client = null;
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, ended);
        starting.CancelAfter(_options.StartTimeout);
        try
        {
            connection = await _connect(session, starting.Token).ConfigureAwait(false);
            client = await McpClient.CreateAsync(connection.Transport, ClientOptions(toolsChanged: null), loggerFactory: null, starting.Token).ConfigureAwait(false);
            _log.Info($"mcp server {Name}: started for a session{(connection.Pid is { } pid ? string.Create(CultureInfo.InvariantCulture, $", pid {pid}") : "")}");
            return new Link(client, connection);
        }
        catch (Exception e) when (IsConnectionFailure(e) || e is System.ComponentModel.Win32Exception)
        {
            // Given up on first: not waiting to see whether it exited (EndedBecauseAsync waits for that up to a second).
            var why = _stop.IsCancellationRequested ? "stopped" : ended.IsCancellationRequested ? "the session has ended" : null;
            why ??= connection is null ? null : await connection.EndedBecauseAsync().ConfigureAwait(false);
            why ??= e is TimeoutException || (e is OperationCanceledException && starting.IsCancellationRequested)
                ? string.Create(CultureInfo.InvariantCulture, $"did not initialize within {_options.StartTimeout.TotalSeconds} s")
                : e.Message;
            await CloseAsync(client, connection).ConfigureAwait(false);
            throw new McpUnavailableException(WithErrorTail($"server {Name} failed to start for the session: {why}", connection));
        }
    }

    /// <summary>One session's own instance of the server; one that failed is started again by the session's next call (its state is lost).</summary>
    private sealed class SessionInstance : IAsyncDisposable
    {
        private readonly McpServerSupervisor _server;
        private readonly ToolContext _session;
        private readonly Lock _lock = new();
        private readonly CancellationTokenSource _ended = new();
        private Task<Link>? _link;
        private bool _disposed;

        public SessionInstance(McpServerSupervisor server, ToolContext session)
        {
            _server = server;
            _session = session;
            server._sessions.TryAdd(this, 0);
        }

        public async Task<CallToolResult> CallToolAsync(
            string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
        {
            var starting = Start();
            var link = await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await _server.CallAsync(link, toolName, arguments, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (McpUnavailableException)
            {
                await DropAsync(starting).ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Ends the instance: a start in progress given up, its client closed, its process group killed; again, nothing more.</summary>
        /// <remarks><see cref="_ended"/> is not disposed: it has no timer, and a start may still be reading it.</remarks>
        public async ValueTask DisposeAsync()
        {
            Task<Link>? link;
            lock (_lock)
            {
                _disposed = true;
                link = _link;
                _link = null;
            }
            _server._sessions.TryRemove(this, out _);
            await _ended.CancelAsync().ConfigureAwait(false);
            await CloseAsync(link).ConfigureAwait(false);
        }

        private Task<Link> Start()
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    throw new McpUnavailableException("the session has ended");
                }
                if (_link is null || _link.IsFaulted || _link.IsCanceled)
                {
                    _link = _server.StartForSessionAsync(_session, _ended.Token);
                }
                return _link;
            }
        }

        /// <summary>Closes <paramref name="link"/> if it is still the instance's, so the next call starts a new one.</summary>
        private async Task DropAsync(Task<Link> link)
        {
            lock (_lock)
            {
                if (_link != link)
                {
                    return;
                }
                _link = null;
            }
            await CloseAsync(link).ConfigureAwait(false);
        }

        private async Task CloseAsync(Task<Link>? starting)
        {
            if (starting is null)
            {
                return;
            }
            Link link;
            try
            {
                link = await starting.ConfigureAwait(false);
            }
            catch (McpUnavailableException)
            {
                // It never started: nothing is left of it.
                return;
            }
            await _server.CloseAsync(link.Client, link.Connection).ConfigureAwait(false);
        }
    }
}
