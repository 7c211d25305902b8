using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>
/// Reading the fields of an OpenAI request body (chat completions and the Responses API alike): absent or null is
/// unset, anything else is checked against OpenAI's documented range, and a refusal names the field in <c>param</c>.
/// </summary>
internal static class OpenAiRequestFields
{
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body) =>
        JsonBody.ParseObject(body, out var textProblem)
        ?? throw OpenAiError.InvalidRequest(textProblem is null ? "The request body is not a valid JSON object" : $"The request body is not valid JSON: {textProblem}");

    /// <summary><c>model</c>, or DEFAULT_MODEL when it is absent.</summary>
    public static string ReadModel(JsonElement root, string? defaultModel) =>
        root.TryGetProperty("model", out var model) && model.ValueKind != JsonValueKind.Null
            ? model.ValueKind == JsonValueKind.String && model.GetString() is { Length: > 0 } named
                ? named
                : throw OpenAiError.InvalidRequest("model must be a non-empty string", "model")
            : defaultModel ?? throw OpenAiError.InvalidRequest("you must provide a model parameter", "model");

    /// <summary>The provider serving <paramref name="model"/> and its own id for it; resolved once the body's shape is right, like /chat (SPEC §3).</summary>
    /// <param name="key">The key the request presented, whose <c>models</c> the model must match (403 otherwise); null: any model.</param>
    public static IModelProvider ResolveModel(ModelCatalog catalog, string model, ClientKey? key, out string providerModel)
    {
        if (!catalog.TryResolve(model, out var provider, out var resolved))
        {
            throw OpenAiError.ModelNotFound(model);
        }
        if (key is not null && !key.AllowsModel(model, provider.Name, resolved))
        {
            throw OpenAiError.ModelNotAllowed(model);
        }
        providerModel = resolved;
        return provider;
    }

    /// <summary>Offered tools are ignored by a model that cannot call them, but a demand for a call could only be broken silently.</summary>
    public static void EnsureToolChoiceHonoured(IModelProvider provider, string model, ToolChoice choice)
    {
        if (!provider.CallsTools && choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function)
        {
            throw OpenAiError.InvalidRequest($"The model '{model}' does not call tools, so tool_choice cannot require a call", "tool_choice");
        }
    }

    public static bool HasValue(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public static double? ReadNumber(JsonElement root, string name, double min, double max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= min && number <= max
            ? number
            : throw OpenAiError.InvalidRequest($"{name} must be a number from {min} to {max}", name);
    }

    public static int? ReadCount(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 1
            ? count
            : throw OpenAiError.InvalidRequest($"{name} must be a positive integer", name);
    }

    public static bool? ReadBoolean(JsonElement owner, string name, string? param = null)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw OpenAiError.InvalidRequest($"{param ?? name} must be a boolean", param ?? name),
        };
    }

    public static string? ReadString(JsonElement owner, string name, string? param = null)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw OpenAiError.InvalidRequest($"{param ?? name} must be a string", param ?? name);
    }

    /// <param name="path">Where <paramref name="owner"/> is in the request, e.g. <c>messages[2]</c>.</param>
    public static string RequireString(JsonElement owner, string name, string path) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw OpenAiError.InvalidRequest($"{path}.{name} must be a string", $"{path}.{name}");

    public static JsonElement RequireObject(JsonElement owner, string name, string path) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw OpenAiError.InvalidRequest($"{path}.{name} must be an object", $"{path}.{name}");
}
