using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>Turns a <c>POST /v1/chat/completions</c> body into a <see cref="CompletionRequest"/>, or an <see cref="OpenAiError"/>.</summary>
/// <remarks>
/// The request shape is OpenAI's (https://platform.openai.com/docs/api-reference/chat/create). Read: <c>model</c>
/// (DEFAULT_MODEL when absent), <c>messages</c>, <c>stream</c>, <c>stream_options.include_usage</c>, <c>temperature</c>,
/// <c>top_p</c>, <c>max_tokens</c> / <c>max_completion_tokens</c>, <c>stop</c>, <c>tools</c>, <c>tool_choice</c>,
/// <c>parallel_tool_calls</c>, <c>user</c>, and <c>n</c>, which must be 1 (one turn gives one choice). A set of
/// further fields (<see cref="s_forwardedFields"/>) goes verbatim to OpenAI-compatible upstreams; any other field is
/// accepted and ignored. Each value is checked against OpenAI's documented range, and the error names it in
/// <c>param</c>. The model is resolved after the body's shape is known to be right, like /chat (SPEC §3); a model
/// that cannot call tools refuses a <c>tool_choice</c> that requires a call, and one whose provider cannot constrain its
/// answer a structured <c>response_format</c>, which is read for the providers that do not take it verbatim.
/// </remarks>
internal static class CompletionRequestParser
{
    /// <summary>OpenAI accepts up to four stop sequences.</summary>
    private const int MaxStopSequences = 4;

    private const int MaxFormatNameLength = 64;

    /// <summary>
    /// Fields passed verbatim to OpenAI-compatible upstreams (which validate them): those that shape the answer without
    /// changing the response's form, and <c>logprobs</c> / <c>top_logprobs</c>, whose additions the gateway relays.
    /// Other fields that would add to the response (<c>audio</c>) are not: the gateway could not relay what they add.
    /// </summary>
    private static readonly string[] s_forwardedFields =
    [
        "response_format", "seed", "frequency_penalty", "presence_penalty", "logit_bias", "reasoning_effort", "verbosity",
        "service_tier", "metadata", "store", "safety_identifier", "prompt_cache_key", "prediction", "logprobs", "top_logprobs",
    ];

    /// <param name="key">The key the request presented, whose <c>models</c> the model must match (403 otherwise); null: any model.</param>
    /// <exception cref="OpenAiError">The request is refused; its status, message and param say why.</exception>
    public static CompletionRequest Parse(ReadOnlyMemory<byte> body, ModelCatalog catalog, string? defaultModel, ClientKey? key = null)
    {
        using var document = ParseObject(body);
        var root = document.RootElement;

        var model = root.TryGetProperty("model", out var modelElement) && modelElement.ValueKind != JsonValueKind.Null
            ? modelElement.ValueKind == JsonValueKind.String && modelElement.GetString() is { Length: > 0 } named
                ? named
                : throw OpenAiError.InvalidRequest("model must be a non-empty string", "model")
            : defaultModel ?? throw OpenAiError.InvalidRequest("you must provide a model parameter", "model");
        if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind == JsonValueKind.Null)
        {
            throw OpenAiError.InvalidRequest("messages is required", "messages");
        }
        var messages = CompletionMessageParser.ParseMessages(messagesElement);
        var tools = CompletionToolParser.ParseTools(root);
        var options = new TurnOptions
        {
            Temperature = ReadNumber(root, "temperature", 0, 2),
            TopP = ReadNumber(root, "top_p", 0, 1),
            MaxTokens = ReadCount(root, "max_completion_tokens") ?? ReadCount(root, "max_tokens"),
            MaxTokensNamedMaxCompletionTokens = HasValue(root, "max_completion_tokens"),
            Stop = ReadStop(root),
            ToolChoice = CompletionToolParser.ParseToolChoice(root, tools),
            ParallelToolCalls = ReadBoolean(root, "parallel_tool_calls"),
            User = ReadString(root, "user"),
            // Also forwarded verbatim below; other providers honour the three levels they share (minimal, xhigh: OpenAI's alone).
            ReasoningEffort = ReasoningEffortNames.Parse(ReadString(root, "reasoning_effort")),
            OpenAiFields = [.. s_forwardedFields.Where(name => HasValue(root, name)).Select(name => KeyValuePair.Create(name, RawJson.FromElement(root.GetProperty(name))))],
        };
        if (ReadCount(root, "n") is { } n && n != 1)
        {
            throw OpenAiError.InvalidRequest("n must be 1: this gateway returns one choice per request", "n");
        }
        var stream = ReadBoolean(root, "stream") ?? false;
        var includeUsage = stream && root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
            && (ReadBoolean(streamOptions, "include_usage", "stream_options.include_usage") ?? false);

        if (!catalog.TryResolve(model, out var provider, out var providerModel))
        {
            throw OpenAiError.ModelNotFound(model);
        }
        if (key is not null && !key.AllowsModel(model, provider.Name, providerModel))
        {
            throw OpenAiError.ModelNotAllowed(model);
        }
        if (!provider.ConstrainsOutput && root.TryGetProperty("response_format", out var format) && IsStructured(format))
        {
            // Ignoring it would hand back free text to a caller that parses JSON.
            throw OpenAiError.InvalidRequest($"response_format is only supported for models of OpenAI's APIs and local models, not '{model}'", "response_format");
        }
        if (!provider.SpeaksOpenAi)
        {
            // An OpenAI-compatible upstream gets the caller's own (OpenAiFields) and checks it; other providers get it read.
            options = options with { ResponseFormat = ReadResponseFormat(root) };
        }
        if (!provider.SpeaksOpenAi && ReadBoolean(root, "logprobs") == true)
        {
            // Anthropic's API and the local runtime report no token probabilities; an answer without them would pass for one.
            throw OpenAiError.InvalidRequest($"logprobs are only available from models of OpenAI-compatible providers, not '{model}'", "logprobs");
        }
        if (!provider.CallsTools && options.ToolChoice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function)
        {
            // Offered tools are ignored by such a model, but a demand for a call could only be broken silently.
            throw OpenAiError.InvalidRequest($"The model '{model}' does not call tools, so tool_choice cannot require a call", "tool_choice");
        }
        if (!provider.ReadsBinaryContent && FirstBinaryPart(messages) is { } part)
        {
            // A local model would get a note in its place (LocalPromptFormat); an API caller is better told at once.
            throw OpenAiError.InvalidRequest($"The model '{model}' reads text only: {part} is an image or a binary file", part);
        }
        return new CompletionRequest(model, provider, new ModelTurnRequest(providerModel, messages, tools) { Options = options }, stream, includeUsage);
    }

    private static JsonDocument ParseObject(ReadOnlyMemory<byte> body) =>
        JsonBody.ParseObject(body, out var textProblem)
        ?? throw OpenAiError.InvalidRequest(textProblem is null ? "The request body is not a valid JSON object" : $"The request body is not valid JSON: {textProblem}");

    /// <summary>The request path (<c>messages[i].content[j]</c>) of the first image or non-textual document, if any.</summary>
    private static string? FirstBinaryPart(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var content = messages[i].Content;
            for (var j = 0; j < content.Count; j++)
            {
                if (content[j].Kind == ContentPartKind.Image || (content[j].Kind == ContentPartKind.Document && ProviderJson.TextOfDocument(content[j]) is null))
                {
                    return $"messages[{i}].content[{j}]";
                }
            }
        }
        return null;
    }

    /// <summary>Any <c>response_format</c> but the default <c>{"type":"text"}</c>.</summary>
    private static bool IsStructured(JsonElement format) =>
        format.ValueKind != JsonValueKind.Null
        && !(format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text");

    /// <summary>
    /// A structured <c>response_format</c>: <c>{"type":"json_object"}</c>, or <c>{"type":"json_schema","json_schema":
    /// {"name","description"?,"schema"?,"strict"?}}</c> (https://platform.openai.com/docs/api-reference/chat/create); null for text.
    /// </summary>
    private static ResponseFormat? ReadResponseFormat(JsonElement root)
    {
        if (!root.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var type = format.ValueKind == JsonValueKind.Object ? ReadString(format, "type", "response_format.type") : null;
        switch (type)
        {
            case "text":
                return null;
            case "json_object":
                return ResponseFormat.JsonObject;
            case "json_schema":
                break;
            default:
                throw OpenAiError.InvalidRequest("response_format.type must be \"text\", \"json_object\" or \"json_schema\"", "response_format.type");
        }
        if (!format.TryGetProperty("json_schema", out var definition) || definition.ValueKind != JsonValueKind.Object)
        {
            throw OpenAiError.InvalidRequest("response_format.json_schema must be an object", "response_format.json_schema");
        }
        // OpenAI's rule for the name: a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.
        var name = ReadString(definition, "name", "response_format.json_schema.name");
        if (name is not { Length: > 0 and <= MaxFormatNameLength } || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw OpenAiError.InvalidRequest($"response_format.json_schema.name must be 1 to {MaxFormatNameLength} letters, digits, underscores or dashes", "response_format.json_schema.name");
        }
        RawJson? schema = null;
        if (definition.TryGetProperty("schema", out var schemaElement) && schemaElement.ValueKind != JsonValueKind.Null)
        {
            schema = schemaElement.ValueKind == JsonValueKind.Object
                ? RawJson.FromElement(schemaElement)
                : throw OpenAiError.InvalidRequest("response_format.json_schema.schema must be a JSON Schema object", "response_format.json_schema.schema");
        }
        return new ResponseFormat(schema, name)
        {
            Description = ReadString(definition, "description", "response_format.json_schema.description"),
            Strict = ReadBoolean(definition, "strict", "response_format.json_schema.strict"),
        };
    }

    private static bool HasValue(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static double? ReadNumber(JsonElement root, string name, double min, double max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= min && number <= max
            ? number
            : throw OpenAiError.InvalidRequest($"{name} must be a number from {min} to {max}", name);
    }

    private static int? ReadCount(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 1
            ? count
            : throw OpenAiError.InvalidRequest($"{name} must be a positive integer", name);
    }

    private static bool? ReadBoolean(JsonElement owner, string name, string? param = null)
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

    private static string? ReadString(JsonElement owner, string name, string? param = null)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw OpenAiError.InvalidRequest($"{param ?? name} must be a string", param ?? name);
    }

    /// <summary><c>stop</c>: one string or an array of up to four; empty strings are dropped (they would stop at once).</summary>
    private static IReadOnlyList<string> ReadStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() is { Length: > 0 } single ? [single] : [];
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxStopSequences
            || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw OpenAiError.InvalidRequest($"stop must be a string or an array of at most {MaxStopSequences} strings", "stop");
        }
        return [.. value.EnumerateArray().Select(item => item.GetString()!).Where(stop => stop.Length > 0)];
    }
}
