using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>Turns a POST /chat body into a <see cref="ChatRequest"/>, with the exact errors of SPEC §3.</summary>
/// <remarks>
/// Checks run in this order: the body is a JSON object; a model that is given is a string (SPEC §3; an empty
/// one falls back, any other type is refused rather than silently replaced); a model (or DEFAULT_MODEL) and messages
/// are present; the model is served (404 otherwise); then the messages, permissions and numbers are
/// validated, each error naming the offending path (e.g. <c>messages[2].role</c>).
/// </remarks>
internal static class ChatRequestParser
{
    public const int DefaultMaxIterations = 10;
    public const int DefaultMaxDepth = 2;

    /// <param name="key">The key the request presented, whose <c>models</c> the model must match (403 otherwise); null: any model.</param>
    /// <exception cref="RequestError">The request is refused; its status and message say why.</exception>
    public static ChatRequest Parse(ReadOnlyMemory<byte> body, ModelCatalog catalog, string? defaultModel, ClientKey? key = null)
    {
        using var document = ParseObject(body);
        var root = document.RootElement;

        var model = root.TryGetProperty("model", out var modelElement) && modelElement.ValueKind != JsonValueKind.Null
            ? modelElement.ValueKind == JsonValueKind.String
                ? modelElement.GetString() is { Length: > 0 } named ? named : defaultModel
                : throw RequestError.BadRequest("model must be a string")
            : defaultModel;
        if (string.IsNullOrEmpty(model) || !root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind == JsonValueKind.Null)
        {
            throw RequestError.BadRequest("model and messages are required");
        }
        if (!catalog.TryResolve(model, out var provider, out var providerModel))
        {
            throw new RequestError(404, $"Model not found: {model}");
        }
        if (key is not null && !key.AllowsModel(model, provider.Name, providerModel))
        {
            // RFC 9110 §15.5.4: the key is known and the model exists, but this key may not use it.
            throw new RequestError(403, $"Model not allowed for this key: {model}");
        }

        if (root.TryGetProperty("mode", out var mode) && mode.ValueKind == JsonValueKind.String && mode.GetString() == "rlm")
        {
            throw new RequestError(501, "mode \"rlm\" is not implemented by this server");
        }

        return new ChatRequest(
            provider,
            providerModel,
            MessageParser.ParseMessages(messagesElement),
            PermissionParser.Parse(root),
            ReadCount(root, "maxIterations", DefaultMaxIterations),
            ReadCount(root, "maxDepth", DefaultMaxDepth));
    }

    /// <summary>The body as a JSON document whose root is an object, else SPEC §3's "Invalid JSON body", the exact string its clients match (text that is not UTF-8 is not JSON, RFC 8259 §8.1).</summary>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body) =>
        JsonBody.ParseObject(body, out _) ?? throw RequestError.InvalidJson();

    private static int ReadCount(JsonElement root, string name, int fallback)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw RequestError.BadRequest($"{name} must be a non-negative integer");
    }
}
