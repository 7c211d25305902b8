using System.Buffers;
using System.Text.Json;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Endpoints.OpenAi;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Sse;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>
/// <c>POST /v1/responses</c>: one model turn of any served model in OpenAI's Responses API format, streamed or whole,
/// continuing a kept response when the request names one (<c>previous_response_id</c>). As on /v1/chat/completions,
/// no server-side tools: function calls go back to the caller, whose outputs come in the next request.
/// </summary>
internal sealed class ResponsesEndpoint(ModelCatalog catalog, string? defaultModel, ResponseStore store, UpstreamMetrics metrics, KeyLimits keyLimits)
    : OpenAiTurnEndpoint<ResponsesRequest>(metrics, keyLimits)
{
    protected override ResponsesRequest ParseRequest(IHttpExchange exchange) =>
        ResponsesRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key, store);

    protected override async ValueTask CompleteAsync(IHttpExchange exchange, ResponsesRequest request, ITokenBudget? budget, CancellationToken cancellationToken)
    {
        using var response = new WholeResponse(request, store, exchange.Key);
        await RunTurnAsync(request, response, budget, cancellationToken).ConfigureAwait(false);
        if (response.Failure is { } failure)
        {
            failure.Respond(exchange);
            return;
        }
        exchange.Respond(200, ContentTypes.Json, response.ToJson(request.Provider.CountsCachedInputApart));
    }

    protected override ITurnStreamWriter StartStream(EventStream stream, ResponsesRequest request, CancellationToken cancellationToken) =>
        new ResponseEventWriter(stream, request, store, stream.Exchange.Key, request.Provider.CountsCachedInputApart, cancellationToken);

    /// <summary>A response collected whole, then written as one object.</summary>
    private sealed class WholeResponse(ResponsesRequest request, ResponseStore store, ClientKey? owner) : ResponseBuilder(request, store, owner)
    {
        public byte[] ToJson(bool inputExcludesCache)
        {
            EndTurn();
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
            {
                ResponseJson.WriteResponse(json, this, Status, inputExcludesCache);
            }
            return buffer.WrittenSpan.ToArray();
        }
    }
}
