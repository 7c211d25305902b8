using Gateway.Server.Agents;
using Gateway.Server.Cluster;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints;

/// <summary><c>POST /chat</c> (SPEC §3): validate, rent an orchestrator, register the session, stream it.</summary>
/// <remarks>
/// With RESUME_GRACE_SECONDS (SPEC §9) the session runs on its own, writing into its event log, and this response is only
/// its first reader: it ends when the session does, when its client leaves, or when a reader of GET …/events replaces it.
/// </remarks>
internal sealed class ChatEndpoint(
    ModelCatalog catalog, string? defaultModel, OrchestratorPool orchestrators, SessionRegistry sessions, AgentOptions options, KeyLimits keyLimits,
    IToolRegistry tools, ICluster cluster, ResumeOptions resume, ResumableSessions resumable)
    : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange) => KeyedStreamRequest.InvokeAsync(
        exchange,
        keyLimits,
        () => ChatRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key, (name, maxDepth) => AgentRun.RootOffers(tools, options, name, maxDepth)),
        (request, budget) => RunAsync(exchange, request with { Budget = budget }));

    private async ValueTask<Task> RunAsync(IHttpExchange exchange, ChatRequest request)
    {
        var orchestrator = orchestrators.Rent();
        if (!orchestrator.Begin(request))
        {
            await orchestrators.ReturnAsync(orchestrator).ConfigureAwait(false);
            ErrorResponses.Respond(exchange, 500, "Cannot create a workspace for the session");
            return Task.CompletedTask;
        }
        if (!sessions.TryRegister(orchestrator, options.MaxSessions))
        {
            await orchestrators.ReturnAsync(orchestrator).ConfigureAwait(false);
            ErrorResponses.Respond(exchange, 503, "Too many concurrent sessions");
            return Task.CompletedTask;
        }
        if (resume.Enabled)
        {
            return await RunResumableAsync(exchange, orchestrator, request).ConfigureAwait(false);
        }
        // The session ends when the client leaves or stops reading (the stream cancels it), or when the server can wait no longer.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(exchange.RequestAborted, exchange.ServerStopping);
        var events = new EventStream(exchange, session, options.PingInterval);
        events.Open();
        try
        {
            await orchestrator.RunAsync(request, events, session.Token).ConfigureAwait(false);
        }
        finally
        {
            await events.CompleteAsync().ConfigureAwait(false);
            // Whatever the session started and still runs (a tool that ignores cancellation) learns that it is over.
            await session.CancelAsync().ConfigureAwait(false);
            End(orchestrator);
        }
        return Task.CompletedTask;
    }

    /// <summary>Starts the session on its own and reads it as its first reader; returns the session, which may outlive this response.</summary>
    private async ValueTask<Task> RunResumableAsync(IHttpExchange exchange, AgentOrchestrator orchestrator, ChatRequest request)
    {
        var log = new SessionEventLog(
            orchestrator.SessionId, exchange.Key, resume, options.PingInterval, options.Clock, exchange.ServerStopping, resumable,
            cluster.ArchiveEvents(orchestrator.SessionId, exchange.Key, resume));
        resumable.Add(log);
        // Attached before the first event, so this reader misses none.
        var first = log.Resume(exchange, afterId: 0);
        var session = RunLoggedAsync(orchestrator, request, log);
        await first.Served.ConfigureAwait(false);
        return session;
    }

    private async Task RunLoggedAsync(AgentOrchestrator orchestrator, ChatRequest request, SessionEventLog log)
    {
        try
        {
            await orchestrator.RunAsync(request, log, log.SessionToken).ConfigureAwait(false);
        }
        finally
        {
            await log.CompleteAsync().ConfigureAwait(false);
            End(orchestrator);
        }
    }

    /// <summary>The session is over: relays can no longer find it, and its orchestrator goes back to the pool.</summary>
    private void End(AgentOrchestrator orchestrator)
    {
        sessions.Unregister(orchestrator);
        cluster.SessionEnded(orchestrator.SessionId);
        // Not awaited: the response ends now, while the pool waits (bounded) for a tool that ignores the session's end.
        _ = orchestrators.ReturnAsync(orchestrator);
    }
}
