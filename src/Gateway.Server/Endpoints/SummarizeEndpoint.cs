using Gateway.Server.Agents;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints;

/// <summary>
/// <c>POST /summarize</c> (SPEC §3): validate as /chat does, then stream one model call's summary. It counts as a session
/// of the key (its <c>maxConcurrentSessions</c>, its <c>tokensPerDay</c>), but is not registered: nothing can be relayed to it.
/// </summary>
internal sealed class SummarizeEndpoint(
    ModelCatalog catalog, string? defaultModel, KeyLimits keyLimits, AgentOptions options, UpstreamMetrics metrics, GatewayLog log)
    : IEndpoint
{
    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        SummarizeRequest request;
        try
        {
            request = SummarizeRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key);
        }
        catch (RequestError e)
        {
            if (e.StatusCode == 403)
            {
                keyLimits.RefusedModel(exchange.Key);
            }
            ErrorResponses.Respond(exchange, e.StatusCode, e.Message);
            return;
        }
        var key = exchange.Key;
        if (!keyLimits.TryEnter(key, out var budget, out var refusal))
        {
            ErrorResponses.Respond(exchange, 429, refusal.Message, refusal.RetryAfterLine);
            return;
        }
        try
        {
            // As /chat's session: it ends when the client leaves or stops reading, or when the server can wait no longer.
            using var session = CancellationTokenSource.CreateLinkedTokenSource(exchange.RequestAborted, exchange.ServerStopping);
            var events = new EventStream(exchange, session, options.PingInterval);
            events.Open();
            try
            {
                await SummaryRun.RunAsync(request with { Budget = budget }, events, metrics, log, session.Token).ConfigureAwait(false);
            }
            finally
            {
                await events.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            keyLimits.Exit(key);
        }
    }
}
