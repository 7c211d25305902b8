using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /models</c> (SPEC §2): the catalog's models the key may use and, when it is served (and allowed), the default.</summary>
internal sealed class ModelsEndpoint(ModelCatalog catalog) : CatalogEndpoint(catalog)
{
    protected override (int StatusCode, byte[] Body) Encode(ModelCatalogSnapshot snapshot, ClientKey? key)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            if (snapshot.AllFailed)
            {
                json.WriteString("error"u8, "Model listing failed: " + string.Join("; ", snapshot.Failures));
            }
            else
            {
                json.WriteStartArray("models"u8);
                foreach (var (id, _) in Visible(snapshot, key))
                {
                    json.WriteStringValue(id);
                }
                json.WriteEndArray();
                if (snapshot.DefaultModel is { } defaultModel && (key is null || AllowsDefault(snapshot, key, defaultModel)))
                {
                    json.WriteString("defaultModel"u8, defaultModel);
                }
            }
            json.WriteEndObject();
        }
        return (snapshot.AllFailed ? 502 : 200, buffer.WrittenSpan.ToArray());
    }

    /// <summary>A default the key may not use is not the key's default: a request without a model would be 403.</summary>
    private static bool AllowsDefault(ModelCatalogSnapshot snapshot, ClientKey key, string defaultModel) =>
        snapshot.TryGetListed(defaultModel, out var provider) && key.AllowsModel(defaultModel, provider.Name, defaultModel);
}
