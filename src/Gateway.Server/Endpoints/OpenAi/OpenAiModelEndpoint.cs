using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// <c>GET /v1/models/:model</c> (https://platform.openai.com/docs/api-reference/models/retrieve): the model object of
/// one listed model, by its id or as <c>provider/id</c>; 404 <c>model_not_found</c> otherwise. Ids holding a slash
/// arrive percent-encoded (<c>%2F</c>), as OpenAI's SDKs send them.
/// </summary>
/// <param name="created">Unix seconds, the same as in the listing.</param>
internal sealed class OpenAiModelEndpoint(ModelCatalog catalog, long created) : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        var id = exchange.GetRouteValue(0);
        // A model the key may not use is not found for it, as OpenAI answers for a model an account cannot see.
        if (!catalog.Current.TryGetListed(id, out var provider) || exchange.Key is { } key && !key.AllowsModel(id, provider.Name, ProviderModel(id, provider)))
        {
            OpenAiError.ModelNotFound(id).Respond(exchange);
            return ValueTask.CompletedTask;
        }
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            OpenAiModelsEndpoint.WriteModel(json, id, created, provider);
        }
        exchange.Respond(200, ContentTypes.Json, buffer.WrittenSpan);
        return ValueTask.CompletedTask;
    }

    /// <summary>The listed id of a model named by its id or as <c>provider/id</c>.</summary>
    private static string ProviderModel(string id, IModelProvider provider) =>
        id.StartsWith(provider.Name + "/", StringComparison.Ordinal) ? id[(provider.Name.Length + 1)..] : id;
}
