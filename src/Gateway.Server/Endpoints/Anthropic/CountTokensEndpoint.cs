using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c> (https://docs.anthropic.com/en/api/messages-count-tokens): a Messages request's
/// prompt (no <c>max_tokens</c> needed), answered <c>{"input_tokens":n}</c> as its model's provider counts it
/// (<see cref="IModelProvider.CountInputTokensAsync"/>). Counting runs no turn, so it spends none of the key's tokens.
/// </summary>
internal sealed class CountTokensEndpoint(ModelCatalog catalog, string? defaultModel, KeyLimits keyLimits) : IEndpoint
{
    public async ValueTask InvokeAsync(IHttpExchange exchange)
    {
        MessagesRequest request;
        try
        {
            request = MessagesRequestParser.Parse(exchange.Body, catalog, defaultModel, exchange.Key, countOnly: true);
        }
        catch (AnthropicError e)
        {
            if (e.StatusCode == 403)
            {
                keyLimits.RefusedModel(exchange.Key);
            }
            e.Respond(exchange);
            return;
        }
        long tokens;
        try
        {
            tokens = await request.Provider.CountInputTokensAsync(request.Turn, exchange.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            new AnthropicError(e.StatusCode is { } status ? (int)status : 502, e.Message).Respond(exchange);
            return;
        }
        catch (OperationCanceledException) when (exchange.RequestAborted.IsCancellationRequested)
        {
            // Nobody reads this; the connection still answers every request it took.
            new AnthropicError(400, "The client closed the request before the count was ready").Respond(exchange);
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(32);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("input_tokens"u8, tokens);
            json.WriteEndObject();
        }
        exchange.Respond(200, ContentTypes.Json, buffer.WrittenSpan);
    }
}
