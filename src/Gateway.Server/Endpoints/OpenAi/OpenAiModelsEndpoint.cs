using System.Buffers;
using System.Text.Json;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// <c>GET /v1/models</c>: <c>{"object":"list","data":[{"id","object":"model","created","owned_by"}]}</c>
/// (https://platform.openai.com/docs/api-reference/models/list) for every model of the catalog.
/// </summary>
/// <remarks>
/// <c>owned_by</c> is the serving provider's name (<c>openai</c>, <c>anthropic</c>, <c>local</c>…), and <c>created</c>
/// the time this endpoint was built (the gateway's start), since upstream listings do not all carry one. The body is encoded
/// once per catalog snapshot. When every provider's listing failed the answer is 502 in OpenAI's error shape.
/// </remarks>
internal sealed class OpenAiModelsEndpoint(ModelCatalog catalog) : IEndpoint
{
    private readonly long _started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private volatile EncodedResponse? _cached;

    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        var snapshot = catalog.Current;
        var cached = _cached;
        if (cached is null || !ReferenceEquals(cached.Snapshot, snapshot))
        {
            _cached = cached = Encode(snapshot);
        }
        exchange.Respond(cached.StatusCode, ContentTypes.Json, cached.Body);
        return ValueTask.CompletedTask;
    }

    private sealed record EncodedResponse(ModelCatalogSnapshot Snapshot, int StatusCode, byte[] Body);

    private EncodedResponse Encode(ModelCatalogSnapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, CompletionJson.WriterOptions))
        {
            if (snapshot.AllFailed)
            {
                new OpenAiError(502, "Model listing failed: " + string.Join("; ", snapshot.Failures)).WriteTo(json);
            }
            else
            {
                json.WriteStartObject();
                json.WriteString("object"u8, "list"u8);
                json.WriteStartArray("data"u8);
                foreach (var (id, provider) in snapshot.Models)
                {
                    json.WriteStartObject();
                    json.WriteString("id"u8, id);
                    json.WriteString("object"u8, "model"u8);
                    json.WriteNumber("created"u8, _started);
                    json.WriteString("owned_by"u8, provider.Name);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
        }
        return new EncodedResponse(snapshot, snapshot.AllFailed ? 502 : 200, buffer.WrittenSpan.ToArray());
    }
}
