using Gateway.Server.Agents.Permissions;
using Gateway.Server.Diagnostics;
using Gateway.Server.Events;
using Gateway.Server.Primitives;
using Gateway.Server.Sse;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>Owns one session: its event stream, its agents, its pending relays, its shared permissions, its cancellation.</summary>
/// <remarks>
/// Rented from <see cref="OrchestratorPool"/> for one POST /chat and reset on return. Everything the
/// session starts observes one token, cancelled when the stream ends, when the client leaves, or
/// when the client stops taking events; the session's end therefore aborts model calls, kills tool
/// work and drops pending relays together.
/// </remarks>
internal sealed partial class AgentOrchestrator(IToolRegistry tools, AgentOptions options, GatewayLog log)
{
    private readonly EventStream _events = new() { PingInterval = options.PingInterval };
    private CancellationToken _sessionToken;

    /// <summary>The root agent's run; it ends only after every tool and subagent the session started (<see cref="AgentRun"/> awaits its calls).</summary>
    private Task _work = Task.CompletedTask;

    public string SessionId { get; private set; } = "";

    public SessionPermissions Permissions { get; } = new();

    /// <summary>Whether agents may be offered the <c>agent</c> tool at all (ENABLED_TOOLS).</summary>
    public bool SubagentsEnabled => options.EnabledTools.Contains(AgentTool.Name);

    /// <summary>The session's view for tools: its workspace and the files it has read.</summary>
    public ToolContext ToolContext { get; } = new(options.WorkspaceRoot);

    /// <summary>Takes a new session id and the request's permissions; the session can be registered after this.</summary>
    public void Begin(ChatRequest request)
    {
        SessionId = Ids.New();
        Permissions.Load(request.Permissions);
    }

    /// <summary>Streams the session to the client until every agent has finished or the client has gone.</summary>
    public async Task RunAsync(ChatRequest request, IHttpExchange exchange)
    {
        exchange.StartStream(EventStreamHead.ContentType, EventStreamHead.HeaderLines);
        // The session also ends when the server can wait no longer; the pump, which stops only with the client, then sends why.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(exchange.RequestAborted, exchange.ServerStopping);
        _sessionToken = session.Token;
        var pumping = PumpAsync(exchange, session);
        var root = new AgentRun(this, request, tools, depth: 0, parentId: null);
        try
        {
            await EmitAsync(new ConnectedEvent { SessionId = SessionId }).ConfigureAwait(false);
            _work = root.RunAsync(request.Messages, session.Token);
            // The stream ends with the session: a tool that ignores cancellation is waited for by FinishWorkAsync, not by the client.
            await _work.WaitAsync(session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (exchange.ServerStopping.IsCancellationRequested && !exchange.RequestAborted.IsCancellationRequested)
        {
            await EndForShutdownAsync(exchange.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            // The client left or stopped reading; nobody is listening for an error event.
        }
        catch (Exception e)
        {
            log.Error($"Session {SessionId} failed.", e);
            await FailOpenRunsAsync(new ErrorEvent { Message = $"Internal error: {e.Message}" }, _sessionToken).ConfigureAwait(false);
        }
        finally
        {
            _events.Complete();
            await pumping.ConfigureAwait(false);
        }
    }

    /// <summary>Queues an event for the client; waits while the client is behind (bounded buffer).</summary>
    public ValueTask EmitAsync<T>(in T serverEvent) where T : struct, IServerEvent =>
        _events.WriteAsync(serverEvent, _sessionToken);

    /// <summary>
    /// Waits until everything the session started has stopped, at most the drain timeout; false when something still
    /// runs, and then this orchestrator must not serve another session.
    /// </summary>
    public async Task<bool> FinishWorkAsync()
    {
        await _work.WaitAsync(options.WorkDrainTimeout, options.Clock).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_work.IsCompleted)
        {
            log.Warning($"Session {SessionId}: a tool still runs {options.WorkDrainTimeout.TotalSeconds} s after the session ended; its orchestrator is not reused.");
        }
        return _work.IsCompleted;
    }

    /// <summary>Bytes of buffers the orchestrator keeps while pooled: its event buffers and permission lists.</summary>
    public int RetainedBufferBytes => _events.RetainedBytes + Permissions.RetainedBytes;

    /// <summary>Makes the orchestrator ready for another session, keeping no more buffer than a new one has.</summary>
    public void Reset()
    {
        _work = Task.CompletedTask;
        SessionId = "";
        Permissions.Clear();
        ToolContext.Reset();
        DropRelays();
        ResetRuns();
        _events.Reset();
        _sessionToken = default;
    }

    /// <summary>SPEC §5: a session the server cannot let finish fails as a whole, and each of its open runs still ends with harness_end.</summary>
    private async Task EndForShutdownAsync(CancellationToken clientGone)
    {
        try
        {
            await FailOpenRunsAsync(new ErrorEvent { Message = "Server is shutting down" }, clientGone).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client left too; nobody is listening.
        }
    }

    /// <summary>Sends events until the stream completes; if the client goes first, cancels the session.</summary>
    private async Task PumpAsync(IHttpExchange exchange, CancellationTokenSource session)
    {
        try
        {
            await _events.PumpAsync(exchange, exchange.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled with the session.
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
        }
    }
}
