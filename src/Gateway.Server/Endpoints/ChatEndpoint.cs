using Gateway.Server.Agents;
using Gateway.Server.Cluster;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints;

/// <summary><c>POST /chat</c> (SPEC §3): validate, rent an orchestrator, register the session, stream it.</summary>
internal sealed class ChatEndpoint(
    ModelCatalog catalog, string? defaultModel, OrchestratorPool orchestrators, SessionRegistry sessions, AgentOptions options, KeyLimits keyLimits,
    IToolRegistry tools, ICluster cluster)
    : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange) => KeyedStreamRequest.InvokeAsync(
        exchange,
        keyLimits,
        () => ChatRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key, (name, maxDepth) => AgentRun.RootOffers(tools, options, name, maxDepth)),
        (request, budget) => RunAsync(exchange, request with { Budget = budget }));

    private async ValueTask RunAsync(IHttpExchange exchange, ChatRequest request)
    {
        var orchestrator = orchestrators.Rent();
        if (!orchestrator.Begin(request))
        {
            await orchestrators.ReturnAsync(orchestrator).ConfigureAwait(false);
            ErrorResponses.Respond(exchange, 500, "Cannot create a workspace for the session");
            return;
        }
        if (!sessions.TryRegister(orchestrator, options.MaxSessions))
        {
            await orchestrators.ReturnAsync(orchestrator).ConfigureAwait(false);
            ErrorResponses.Respond(exchange, 503, "Too many concurrent sessions");
            return;
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
            sessions.Unregister(orchestrator);
            cluster.SessionEnded(orchestrator.SessionId);
            // Not awaited: the response ends now, while the pool waits (bounded) for a tool that ignores the session's end.
            _ = orchestrators.ReturnAsync(orchestrator);
        }
    }
}
