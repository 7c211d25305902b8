using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>Turns a POST /chat body into a <see cref="ChatRequest"/>, with the exact errors of SPEC §3.</summary>
/// <remarks>
/// Checks run in this order: the body is a JSON object; a model that is given is a string (SPEC §3; an empty
/// one falls back, any other type is refused rather than silently replaced); a model (or DEFAULT_MODEL) and messages
/// are present; the model is served (404 otherwise); then the messages, permissions, numbers, toolChoice and
/// reasoningEffort are validated, each error naming the offending path (e.g. <c>messages[2].role</c>).
/// </remarks>
internal static class ChatRequestParser
{
    public const int DefaultMaxIterations = 10;
    public const int DefaultMaxDepth = 2;

    /// <summary>SPEC §3: RLM mode's own defaults (REPL turns; how deep llm_query may recurse).</summary>
    public const int RlmMaxIterations = 100;
    public const int RlmMaxDepth = 4;

    /// <param name="key">The key the request presented, whose <c>models</c> the model must match (403 otherwise); null: any model.</param>
    /// <param name="offersTool">Whether the root agent is offered the named tool, given maxDepth; null: any name is taken.</param>
    /// <exception cref="RequestError">The request is refused; its status and message say why.</exception>
    public static ChatRequest Parse(
        ReadOnlyMemory<byte> body, ModelCatalog catalog, string? defaultModel, ClientKey? key = null, Func<string, int, bool>? offersTool = null)
    {
        using var document = ParseObject(body);
        var root = document.RootElement;
        var (model, provider, providerModel, messagesElement) = ParseHead(root, catalog, defaultModel, key);

        // SPEC §3: anything but "rlm" is agent mode.
        var rlm = root.TryGetProperty("mode", out var mode) && mode.ValueKind == JsonValueKind.String && mode.GetString() == "rlm";
#if !GATEWAY_RLM
        if (rlm)
        {
            throw new RequestError(501, "mode \"rlm\" is not implemented by this server");
        }
#endif

        var messages = MessageParser.ParseMessages(messagesElement);
        var permissions = PermissionParser.Parse(root);
        var maxIterations = ReadCount(root, "maxIterations", rlm ? RlmMaxIterations : DefaultMaxIterations);
        var maxDepth = ReadCount(root, "maxDepth", rlm ? RlmMaxDepth : DefaultMaxDepth);
        // RLM mode offers the model no tools, so a toolChoice means nothing there and is ignored (as the origin does).
        var toolChoice = rlm ? default : ReadToolChoice(root, name => offersTool?.Invoke(name, maxDepth) ?? true);
        if (!provider.CallsTools && toolChoice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function)
        {
            // The model would ignore the tools, so the demand for a call could only be broken silently.
            throw RequestError.BadRequest($"The model '{model}' does not call tools, so toolChoice cannot require a call");
        }
        return new ChatRequest(provider, providerModel, messages, permissions, maxIterations, maxDepth)
        {
            ToolChoice = toolChoice,
            ReasoningEffort = ReadReasoningEffort(root),
            Mode = rlm ? ChatMode.Rlm : ChatMode.Agent,
            Context = rlm ? ReadString(root, "context") ?? "" : "",
            ExecCwd = rlm ? ReadString(root, "execCwd") : null,
        };
    }

    /// <summary>The model checks /chat and /summarize share (SPEC §3), with the same messages in the same order.</summary>
    /// <returns>The model as asked (or DEFAULT_MODEL), where it is served, and the <c>messages</c> value, still to be parsed.</returns>
    /// <exception cref="RequestError">The request is refused; its status and message say why.</exception>
    public static (string Model, IModelProvider Provider, string ProviderModel, JsonElement Messages) ParseHead(
        JsonElement root, ModelCatalog catalog, string? defaultModel, ClientKey? key)
    {
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
        return (model, provider, providerModel, messagesElement);
    }

    /// <summary>The body as a JSON document whose root is an object, else SPEC §3's "Invalid JSON body", the exact string its clients match (text that is not UTF-8 is not JSON, RFC 8259 §8.1).</summary>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body) =>
        JsonBody.ParseObject(body, out _) ?? throw RequestError.InvalidJson();

    /// <summary>SPEC §3 <c>toolChoice</c>: "auto" (also when absent), "required", "none", or the name of a tool the root agent is offered.</summary>
    private static ToolChoice ReadToolChoice(JsonElement root, Func<string, bool> offersTool)
    {
        if (!root.TryGetProperty("toolChoice", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return default;
        }
        return (value.ValueKind == JsonValueKind.String ? value.GetString() : null) switch
        {
            "auto" => new ToolChoice(ToolChoiceMode.Auto),
            "required" => new ToolChoice(ToolChoiceMode.Required),
            "none" => new ToolChoice(ToolChoiceMode.None),
            { Length: > 0 } name when offersTool(name) => ToolChoice.Named(name),
            _ => throw RequestError.BadRequest("toolChoice must be \"auto\", \"required\", \"none\" or the name of a tool"),
        };
    }

    /// <summary>SPEC §3 <c>reasoningEffort</c>: "low", "medium" or "high"; absent or null asks for nothing.</summary>
    private static ReasoningEffort? ReadReasoningEffort(JsonElement root)
    {
        if (!root.TryGetProperty("reasoningEffort", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return ReasoningEffortNames.Parse(value.ValueKind == JsonValueKind.String ? value.GetString() : null)
            ?? throw RequestError.BadRequest("reasoningEffort must be \"low\", \"medium\" or \"high\"");
    }

    /// <summary>An RLM field that must be a string when given (SPEC §3); absent or null: null.</summary>
    private static string? ReadString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw RequestError.BadRequest($"{name} must be a string");
    }

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
