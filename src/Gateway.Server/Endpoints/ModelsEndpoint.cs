using System.Buffers;
using System.Text.Json;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /models</c> (SPEC §2): the catalog's models and, when it is served, the default.</summary>
internal sealed class ModelsEndpoint(ModelCatalog catalog) : CatalogEndpoint(catalog)
{
    protected override (int StatusCode, byte[] Body) Encode(ModelCatalogSnapshot snapshot)
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
        return (snapshot.AllFailed ? 502 : 200, buffer.WrittenSpan.ToArray());
    }
}
