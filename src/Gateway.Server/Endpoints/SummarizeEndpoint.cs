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
    public ValueTask InvokeAsync(IHttpExchange exchange) => KeyedStreamRequest.InvokeAsync(
        exchange,
        keyLimits,
        () => SummarizeRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key),
        (request, budget) => StreamAsync(exchange, request with { Budget = budget }));

    private async ValueTask<Task> StreamAsync(IHttpExchange exchange, SummarizeRequest request)
    {
        // As /chat's session: it ends when the client leaves or stops reading, or when the server can wait no longer.
        using var session = CancellationTokenSource.CreateLinkedTokenSource(exchange.RequestAborted, exchange.ServerStopping);
        var events = new EventStream(exchange, session, options.PingInterval);
        events.Open();
        try
        {
            await SummaryRun.RunAsync(request, events, metrics, log, session.Token).ConfigureAwait(false);
        }
        finally
        {
            await events.CompleteAsync().ConfigureAwait(false);
        }
        return Task.CompletedTask;
    }
}
