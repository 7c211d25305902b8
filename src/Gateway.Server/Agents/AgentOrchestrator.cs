using Gateway.Server.Agents.Permissions;
#if GATEWAY_RLM
using Gateway.Server.Agents.Rlm;
#endif
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Events;
using Gateway.Server.Sse;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>Owns one session: its agents, its pending relays, its shared permissions; it writes into the event sink it is given.</summary>
/// <remarks>
/// Rented from <see cref="OrchestratorPool"/> for one POST /chat and reset on return. It knows no transport: the endpoint
/// opens the stream and hands over the sink and the session's token. Everything the session starts observes that one
/// token, cancelled when the stream ends, when the client leaves, or when the client stops taking events; the session's
/// end therefore aborts model calls, kills tool work and drops pending relays together.
/// </remarks>
internal sealed partial class AgentOrchestrator(IToolRegistry tools, AgentOptions options, GatewayLog log, GatewayMetrics metrics, ISessionDirectory directory)
{
    private IEventSink _events = null!;
    private CancellationToken _sessionToken;

    /// <summary>The root agent's run; it ends only after every tool and subagent the session started (<see cref="AgentRun"/> awaits its calls).</summary>
    private Task _work = Task.CompletedTask;

    public string SessionId { get; private set; } = "";

    public GatewayMetrics Metrics => metrics;

    public SessionPermissions Permissions { get; } = new();

    /// <summary>What the session did and how it ended, for its log line.</summary>
    public SessionTally Tally { get; } = new(options.Clock);

    /// <summary>Whether agents may be offered the <c>agent</c> tool at all (ENABLED_TOOLS).</summary>
    public bool SubagentsEnabled => options.SubagentsEnabled;

    /// <summary>The clock tool progress is coalesced by (tests step a fake one).</summary>
    public TimeProvider Clock => options.Clock;

    /// <summary>The session's view for tools: its workspace and the files it has read.</summary>
    public ToolContext ToolContext { get; } = new(options.WorkspaceRoot, options.BashSandbox);

    /// <summary>Takes a new session id, its workspace and the request's permissions; the session can be registered after this.</summary>
    /// <returns>False when the session's own workspace cannot be made (WORKSPACE_MODE=session); the session must not run.</returns>
    public bool Begin(ChatRequest request)
    {
        SessionId = Ids.New();
        Permissions.Load(request.Permissions);
        Tally.Begin();
        return BeginWorkspace();
    }

    /// <summary>Runs the session's agents, writing their events into <paramref name="events"/>, until all have finished or the session ends.</summary>
    /// <param name="sessionToken">Cancelled when the client leaves or stops taking events, or when the server can wait no longer.</param>
    public async Task RunAsync(ChatRequest request, IEventSink events, CancellationToken sessionToken)
    {
        _events = events;
        _sessionToken = sessionToken;
        try
        {
            await EmitAsync(new ConnectedEvent { SessionId = SessionId }).ConfigureAwait(false);
            var rootRun = RunRootAsync(request, sessionToken);
            _work = rootRun;
            // The stream ends with the session: a tool that ignores cancellation is waited for by FinishWorkAsync, not by the client.
            var rootOutcome = await rootRun.WaitAsync(sessionToken).ConfigureAwait(false);
            Tally.Outcome = rootOutcome.Error is not null ? SessionOutcome.Error
                : rootOutcome.ReachedMaxIterations ? SessionOutcome.MaxIterations
                : SessionOutcome.Completed;
        }
        catch (OperationCanceledException) when (sessionToken.IsCancellationRequested && events.ClientGone)
        {
            // The client left or stopped reading; nobody is listening for an error event.
            Tally.Outcome = SessionOutcome.Disconnected;
        }
        catch (OperationCanceledException) when (sessionToken.IsCancellationRequested)
        {
            // SPEC §5: a session the server cannot let finish fails as a whole, and each of its open runs still ends with harness_end.
            Tally.Outcome = SessionOutcome.Error;
            await FailOpenRunsAsync(new ErrorEvent { Message = "Server is shutting down" }).ConfigureAwait(false);
        }
        catch (TokenBudgetSpentException e)
        {
            Tally.Outcome = SessionOutcome.Error;
            await FailOpenRunsAsync(new ErrorEvent { Message = e.Message }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Tally.Outcome = SessionOutcome.Error;
            var line = log.Line(LogLevel.Error, "Session failed.");
            line.Add("session_id"u8, SessionId);
            line.Write(e);
            await FailOpenRunsAsync(new ErrorEvent { Message = $"Internal error: {e.Message}" }).ConfigureAwait(false);
        }
        Tally.Log(log, SessionId, request.Provider.Name, request.ProviderModel);
        metrics.Agents.SessionEnded(Tally.Outcome);
    }

    /// <summary>The session's root run: the agent loop (SPEC §6), or in RLM mode the REPL harness (SPEC §8).</summary>
    private Task<AgentOutcome> RunRootAsync(ChatRequest request, CancellationToken sessionToken)
    {
#if GATEWAY_RLM
        if (request.Mode == ChatMode.Rlm)
        {
            return RlmRun.Root(this, request, options.ReplLimits).RunAsync(request.Messages, sessionToken);
        }
#endif
        return new AgentRun(this, request, tools, depth: 0, parentId: null).RunAsync(request.Messages, sessionToken);
    }

    /// <summary>Sends an event to the client now; waits while the client is behind (bounded buffer).</summary>
    public ValueTask EmitAsync<T>(in T serverEvent) where T : struct, IServerEvent
    {
        Queue(serverEvent);
        return _events.FlushAsync(_sessionToken);
    }

    /// <summary>Queues an event to leave with the next flush (a model call's deltas leave together, one write per upstream read).</summary>
    /// <remarks>Every event of the session is written here, and counted by its type.</remarks>
    public void Queue<T>(in T serverEvent) where T : struct, IServerEvent
    {
        _events.Write(serverEvent);
        metrics.Agents.EventSent(TypeSlot<T>.Index, T.EventType);
    }

    /// <summary>Sends what was queued; waits while the client is behind.</summary>
    public ValueTask FlushAsync() => _events.FlushAsync(_sessionToken);

    /// <summary>Whether the session's stream holds as much as it may for a client that is behind.</summary>
    public bool IsBehind => _events.IsBehind;

    /// <summary>
    /// Waits until everything the session started has stopped, at most the drain timeout; false when something still
    /// runs, and then this orchestrator must not serve another session.
    /// </summary>
    public async Task<bool> FinishWorkAsync()
    {
        await _work.WaitAsync(options.WorkDrainTimeout, options.Clock).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_work.IsCompleted)
        {
            var line = log.Line(LogLevel.Warning, $"A tool still runs {options.WorkDrainTimeout.TotalSeconds} s after its session ended; the orchestrator is not reused.");
            line.Add("session_id"u8, SessionId);
            line.Write();
        }
        return _work.IsCompleted;
    }

    /// <summary>Bytes of buffers the orchestrator keeps while pooled: its permission lists.</summary>
    public int RetainedBufferBytes => Permissions.RetainedBytes;

    /// <summary>Makes the orchestrator ready for another session, keeping no more buffer than a new one has.</summary>
    public void Reset()
    {
        _work = Task.CompletedTask;
        SessionId = "";
        Permissions.Clear();
        ToolContext.Reset();
        DropRelays();
        ResetRuns();
        _events = null!;
        _sessionToken = default;
    }
}
