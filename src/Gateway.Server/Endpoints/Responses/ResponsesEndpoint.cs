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
    : TurnEndpoint<ResponsesRequest>(metrics, keyLimits)
{
    protected override ResponsesRequest Parse(IHttpExchange exchange) =>
        ResponsesRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key, store);

    protected override ApiError Error(int statusCode, string message) => OpenAiError.FromProvider(message, statusCode);

    protected override IWholeAnswer StartWhole(ResponsesRequest request) => new WholeResponse(request, store);

    protected override IStreamedAnswer StartStream(ResponsesRequest request, EventStream stream, CancellationToken cancellationToken) =>
        new ResponseEventWriter(stream, request, store, cancellationToken);

    /// <summary>A response collected whole, then written as one object.</summary>
    private sealed class WholeResponse(ResponsesRequest request, ResponseStore store) : ResponseBuilder(request, store), IWholeAnswer
    {
        public byte[] ToJson()
        {
            EndTurn();
            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
            {
                ResponseJson.WriteResponse(json, this, Status);
            }
            return buffer.WrittenSpan.ToArray();
        }
    }
}
