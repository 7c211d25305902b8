using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: one model turn of any served model, in OpenAI's chat-completions format, streamed
/// or whole (<see cref="TurnEndpoint{TRequest}"/>). Tool calls go back to the caller.
/// </summary>
internal sealed class ChatCompletionsEndpoint(ModelCatalog catalog, string? defaultModel, UpstreamMetrics metrics, KeyLimits keyLimits)
    : TurnEndpoint<CompletionRequest>(metrics, keyLimits)
{
    protected override CompletionRequest Parse(IHttpExchange exchange) => CompletionRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key);

    protected override ApiError Error(int statusCode, string message) => OpenAiError.FromProvider(message, statusCode);

    protected override IWholeAnswer StartWhole(CompletionRequest request) =>
        new CompletionBuilder(CompletionIdentity.Create(request.Model), request.Provider.CountsCachedInputApart);

    protected override IStreamedAnswer StartStream(CompletionRequest request, EventStream stream, CancellationToken cancellationToken) =>
        new CompletionChunkWriter(stream, CompletionIdentity.Create(request.Model), request.IncludeUsage, request.Provider.CountsCachedInputApart, cancellationToken);
}
