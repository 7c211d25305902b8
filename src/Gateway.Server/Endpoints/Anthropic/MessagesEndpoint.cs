using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>: one model turn of any served model in Anthropic's Messages format, streamed or whole
/// (<see cref="TurnEndpoint{TRequest}"/>). Tool calls go back to the caller. The <c>anthropic-version</c> and
/// <c>anthropic-beta</c> headers are accepted and not read: the gateway speaks the one version its answers follow.
/// </summary>
/// <param name="pingInterval">SSE_PING_SECONDS: a stream silent that long carries Anthropic's <c>ping</c> event.</param>
internal sealed class MessagesEndpoint(ModelCatalog catalog, string? defaultModel, UpstreamMetrics metrics, KeyLimits keyLimits, TimeSpan pingInterval)
    : TurnEndpoint<MessagesRequest>(metrics, keyLimits)
{
    protected override MessagesRequest Parse(IHttpExchange exchange) => MessagesRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key);

    protected override ApiError Error(int statusCode, string message) => new AnthropicError(statusCode, message);

    protected override IWholeAnswer StartWhole(MessagesRequest request) => new MessageBuilder(request.Model, !request.Provider.CountsCachedInputApart);

    /// <summary>A stream silent for the ping interval opens (message_start, ping) before the first event, as Anthropic's does at once.</summary>
    protected override IStreamedAnswer StartStream(MessagesRequest request, EventStream stream, CancellationToken cancellationToken)
    {
        var writer = new MessageEventWriter(stream, request.Model, !request.Provider.CountsCachedInputApart, cancellationToken);
        stream.OpenWhenSilent(writer);
        return writer;
    }

    protected override EventStream CreateStream(IHttpExchange exchange, CancellationTokenSource turn) => new(exchange, turn, pingInterval, MessageEventWriter.Ping);
}
