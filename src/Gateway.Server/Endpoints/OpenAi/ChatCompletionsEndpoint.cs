using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: one model turn of any served model, in OpenAI's chat-completions format, streamed
/// or whole. No agent loop and no server-side tools: tool calls go back to the caller.
/// </summary>
internal sealed class ChatCompletionsEndpoint(ModelCatalog catalog, string? defaultModel, UpstreamMetrics metrics, KeyLimits keyLimits)
    : OpenAiTurnEndpoint<CompletionRequest>(metrics, keyLimits)
{
    protected override CompletionRequest ParseRequest(IHttpExchange exchange) =>
        CompletionRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key);

    protected override async ValueTask CompleteAsync(IHttpExchange exchange, CompletionRequest request, ITokenBudget? budget, CancellationToken cancellationToken)
    {
        var identity = CompletionIdentity.Create(request.Model);
        using var completion = new CompletionBuilder();
        await RunTurnAsync(request, completion, budget, cancellationToken).ConfigureAwait(false);
        if (completion.Failure is { } failure)
        {
            failure.Respond(exchange);
            return;
        }
        exchange.Respond(200, ContentTypes.Json, completion.ToJson(identity, request.Provider.CountsCachedInputApart));
    }

    protected override ITurnStreamWriter StartStream(EventStream stream, CompletionRequest request, CancellationToken cancellationToken) =>
        new CompletionChunkWriter(stream, CompletionIdentity.Create(request.Model), request.IncludeUsage, request.Provider.CountsCachedInputApart, cancellationToken);
}
