using System.Buffers;
using System.Text.Json;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /models</c> (SPEC §2): the catalog's models and, when it is served, the default.</summary>
/// <remarks>The body is encoded once per catalog snapshot and reused until the catalog refreshes.</remarks>
internal sealed class ModelsEndpoint(ModelCatalog catalog) : IEndpoint
{
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

    private static EncodedResponse Encode(ModelCatalogSnapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (snapshot.AllFailed)
            {
                json.WriteString("error"u8, "Model listing failed: " + string.Join("; ", snapshot.Failures));
            }
            else
            {
                json.WriteStartArray("models"u8);
                foreach (var (id, _) in snapshot.Models)
                {
                    json.WriteStringValue(id);
                }
                json.WriteEndArray();
                if (snapshot.DefaultModel is { } defaultModel)
                {
                    json.WriteString("defaultModel"u8, defaultModel);
                }
            }
            json.WriteEndObject();
        }
        return new EncodedResponse(snapshot, snapshot.AllFailed ? 502 : 200, buffer.WrittenSpan.ToArray());
    }
}
