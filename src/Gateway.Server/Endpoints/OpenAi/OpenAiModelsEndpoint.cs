using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// <c>GET /v1/models</c>: <c>{"object":"list","data":[{"id","object":"model","created","owned_by"}]}</c>
/// (https://platform.openai.com/docs/api-reference/models/list) for every model of the catalog the key may use.
/// </summary>
/// <remarks>
/// <c>owned_by</c> is the serving provider's name (<c>openai</c>, <c>anthropic</c>, <c>local</c>…), and <c>created</c>
/// the gateway's start (<paramref name="created"/>), since upstream listings do not all carry one. When every
/// provider's listing failed the answer is 502 in OpenAI's error shape.
/// </remarks>
/// <param name="created">Unix seconds.</param>
internal sealed class OpenAiModelsEndpoint(ModelCatalog catalog, long created) : CatalogEndpoint(catalog)
{
    protected override (int StatusCode, byte[] Body) Encode(ModelCatalogSnapshot snapshot, ClientKey? key)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
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
                foreach (var (id, provider) in Visible(snapshot, key))
                {
                    WriteModel(json, id, created, provider);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
        }
        return (snapshot.AllFailed ? 502 : 200, buffer.WrittenSpan.ToArray());
    }

    /// <summary>One model object: <c>{"id","object":"model","created","owned_by"}</c>.</summary>
    public static void WriteModel(Utf8JsonWriter json, string id, long created, IModelProvider provider)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, id);
        json.WriteString("object"u8, "model"u8);
        json.WriteNumber("created"u8, created);
        json.WriteString("owned_by"u8, provider.Name);
        json.WriteEndObject();
    }
}
