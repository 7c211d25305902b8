using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>A model-turn door that speaks one of OpenAI's APIs: its refusals and failures are OpenAI's error object.</summary>
internal abstract class OpenAiTurnEndpoint<TRequest>(UpstreamMetrics metrics, KeyLimits keyLimits) : ModelTurnEndpoint<TRequest>(metrics, keyLimits)
    where TRequest : class, ITurnRequest
{
    /// <exception cref="OpenAiError">The request is refused; its status, message and param say why.</exception>
    protected abstract TRequest ParseRequest(IHttpExchange exchange);

    protected sealed override TRequest? Parse(IHttpExchange exchange)
    {
        try
        {
            return ParseRequest(exchange);
        }
        catch (OpenAiError e)
        {
            if (e.StatusCode == 403)
            {
                KeyLimits.RefusedModel(exchange.Key);
            }
            e.Respond(exchange);
            return null;
        }
    }

    protected sealed override void RespondError(IHttpExchange exchange, int statusCode, string message, ReadOnlySpan<byte> extraHeaderLines = default) =>
        OpenAiError.FromProvider(message, statusCode).Respond(exchange, extraHeaderLines);
}
