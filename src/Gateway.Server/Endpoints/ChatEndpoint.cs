using Gateway.Server.Agents;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary><c>POST /chat</c> (SPEC §3): validate, rent an orchestrator, register the session, stream it.</summary>
internal sealed class ChatEndpoint(ModelCatalog catalog, string? defaultModel, OrchestratorPool orchestrators, SessionRegistry sessions, AgentOptions options)
    : IEndpoint
{
    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        ChatRequest request;
        try
        {
            request = ChatRequestParser.Parse(exchange.Body, catalog, defaultModel);
        }
        catch (RequestError e)
        {
            ErrorResponses.Respond(exchange, e.StatusCode, e.Message);
            return;
        }
        var orchestrator = orchestrators.Rent();
        orchestrator.Begin(request);
        if (!sessions.TryRegister(orchestrator, options.MaxSessions))
        {
            await orchestrators.ReturnAsync(orchestrator).ConfigureAwait(false);
            ErrorResponses.Respond(exchange, 503, "Too many concurrent sessions");
            return;
        }
        try
        {
            await orchestrator.RunAsync(request, exchange).ConfigureAwait(false);
        }
        finally
        {
            sessions.Unregister(orchestrator);
            // Not awaited: the response ends now, while the pool waits (bounded) for a tool that ignores the session's end.
            _ = orchestrators.ReturnAsync(orchestrator);
        }
    }
}
