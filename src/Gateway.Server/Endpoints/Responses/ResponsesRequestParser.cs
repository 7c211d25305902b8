using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Endpoints.OpenAi;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.Server.Endpoints.OpenAi.OpenAiRequestFields;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>Turns a <c>POST /v1/responses</c> body into a <see cref="ResponsesRequest"/>, or an <see cref="OpenAiError"/>.</summary>
/// <remarks>
/// The request shape is OpenAI's (https://platform.openai.com/docs/api-reference/responses/create). Read: <c>model</c>
/// (DEFAULT_MODEL when absent), <c>input</c> (<see cref="ResponsesInputParser"/>), <c>instructions</c>, <c>tools</c>
/// (function tools; others are left out: the gateway runs no hosted tool), <c>tool_choice</c>, <c>max_output_tokens</c>,
/// <c>temperature</c>, <c>top_p</c>, <c>parallel_tool_calls</c>, <c>reasoning.effort</c>, <c>text.format</c> (a
/// structured format where <see cref="StructuredOutput"/> allows it), <c>store</c> (default true, as OpenAI's),
/// <c>stream</c>, <c>previous_response_id</c>, <c>metadata</c>, <c>user</c>, <c>prompt_cache_key</c>. <c>background</c> and <c>conversation</c>
/// are refused (the gateway keeps no background jobs or conversations); any other field is accepted and ignored.
/// </remarks>
internal static class ResponsesRequestParser
{
    /// <summary>OpenAI's reasoning efforts; the three the providers share map onto <see cref="ReasoningEffort"/>.</summary>
    private static readonly string[] s_efforts = ["none", "minimal", "low", "medium", "high", "xhigh"];

    private static readonly JsonDocument s_empty = JsonDocument.Parse("{}");

    /// <param name="key">The key the request presented: its <c>models</c> bound the model, and it owns the previous response.</param>
    /// <exception cref="OpenAiError">The request is refused; its status, message and param say why.</exception>
    public static ResponsesRequest Parse(ReadOnlyMemory<byte> body, ModelCatalog catalog, string? defaultModel, ClientKey? key, ResponseStore store)
    {
        using var document = ParseObject(body);
        var root = document.RootElement;

        var model = ReadModel(root, defaultModel);
        if (!root.TryGetProperty("input", out var inputElement) || inputElement.ValueKind == JsonValueKind.Null)
        {
            throw OpenAiError.InvalidRequest("input is required", "input");
        }
        var input = ResponsesInputParser.Parse(inputElement);
        if (ReadBoolean(root, "background") == true)
        {
            throw OpenAiError.InvalidRequest("background responses are not supported: the gateway answers while the request is open", "background");
        }
        if (HasValue(root, "conversation"))
        {
            throw OpenAiError.InvalidRequest("conversation is not supported: continue a response with previous_response_id", "conversation");
        }
        var tools = ParseTools(root);
        var effort = ReadString(OptionalObject(root, "reasoning"), "effort", "reasoning.effort");
        if (effort is not null && !s_efforts.Contains(effort))
        {
            throw OpenAiError.InvalidRequest($"reasoning.effort must be one of {string.Join(", ", s_efforts)}", "reasoning.effort");
        }
        var format = OptionalObject(root, "text").TryGetProperty("format", out var f) && StructuredOutput.IsStructured(f) ? f : default;
        var responseFormat = StructuredOutput.Read(format, "text.format", nestedUnder: null);
        // An OpenAI-compatible upstream takes these under their chat-completions names, as /v1/chat/completions forwards them.
        var forwarded = new List<KeyValuePair<string, RawJson>>(2);
        if (responseFormat is not null)
        {
            forwarded.Add(KeyValuePair.Create("response_format", ChatResponseFormat(format)));
        }
        if (effort is not null)
        {
            forwarded.Add(KeyValuePair.Create("reasoning_effort", RawJson.FromString(effort)));
        }
        var instructions = ReadString(root, "instructions");
        var previousId = ReadString(root, "previous_response_id");
        var options = new TurnOptions
        {
            Temperature = ReadNumber(root, "temperature", 0, 2),
            TopP = ReadNumber(root, "top_p", 0, 1),
            MaxTokens = ReadCount(root, "max_output_tokens"),
            ToolChoice = ParseToolChoice(root, tools),
            ParallelToolCalls = ReadBoolean(root, "parallel_tool_calls"),
            User = ReadString(root, "user"),
            ReasoningEffort = ReasoningEffortNames.Parse(effort),
            OpenAiFields = forwarded,
        };
        var provider = ResolveModel(catalog, model, key, out var providerModel);
        if (responseFormat is not null)
        {
            StructuredOutput.EnsureHonoured(provider, model, "text.format");
            if (!provider.SpeaksOpenAi)
            {
                // A chat upstream takes the forwarded response_format; other providers hold the answer to it themselves.
                options = options with { ResponseFormat = responseFormat };
            }
        }
        EnsureToolChoiceHonoured(provider, model, options.ToolChoice);
        var conversation = input;
        if (previousId is not null)
        {
            var previous = store.Find(previousId, key)
                ?? throw new OpenAiError(404, $"Previous response with id '{previousId}' not found.", "previous_response_id", "previous_response_not_found");
            conversation = [.. previous, .. input];
        }
        if (!provider.ReadsBinaryContent && conversation.Any(message => message.Content.Any(ProviderJson.IsBinary)))
        {
            // A local model would get a note in its place (LocalPromptFormat); an API caller is better told at once.
            throw OpenAiError.InvalidRequest($"The model '{model}' reads text only: the input holds an image or a binary file", "input");
        }
        List<ChatMessage> messages = instructions is { Length: > 0 } ? [ChatMessage.System(instructions), .. conversation] : conversation;
        return new ResponsesRequest(
            // The caller's cache key goes where a /chat session's id goes: to the upstreams that take prompt_cache_key.
            model, provider, new ModelTurnRequest(providerModel, messages, tools) { Options = options, SessionId = ReadString(root, "prompt_cache_key") }, conversation,
            ReadBoolean(root, "stream") ?? false, ReadBoolean(root, "store") ?? true)
        {
            Key = key,
            Instructions = instructions,
            PreviousResponseId = previousId,
            MaxOutputTokens = options.MaxTokens,
            Temperature = options.Temperature,
            TopP = options.TopP,
            ParallelToolCalls = options.ParallelToolCalls ?? true,
            User = options.User,
            Tools = Raw(root, "tools"),
            ToolChoice = Raw(root, "tool_choice"),
            Text = Raw(root, "text"),
            Reasoning = Raw(root, "reasoning"),
            Metadata = HasValue(root, "metadata") ? RawJson.FromElement(OptionalObject(root, "metadata")) : null,
        };
    }

    /// <summary>An object field, or an empty object when it is absent or null.</summary>
    private static JsonElement OptionalObject(JsonElement root, string name) =>
        !HasValue(root, name) ? s_empty.RootElement
        : root.GetProperty(name) is { ValueKind: JsonValueKind.Object } value ? value
        : throw OpenAiError.InvalidRequest($"{name} must be an object", name);

    private static RawJson? Raw(JsonElement root, string name) => HasValue(root, name) ? RawJson.FromElement(root.GetProperty(name)) : null;

    /// <summary>
    /// Flat function tools, <c>{"type":"function","name","description"?,"parameters"?,"strict"?}</c>. Tools of other
    /// types (hosted ones such as <c>web_search</c>, <c>namespace</c> groups) are left out: the gateway runs none, and an
    /// offer the model does not get only leaves it answering without them (Codex offers some on every request).
    /// </summary>
    private static List<ToolDefinition> ParseTools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw OpenAiError.InvalidRequest("tools must be an array", "tools");
        }
        var functions = new List<ToolDefinition>(tools.GetArrayLength());
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw OpenAiError.InvalidRequest($"{path} must be an object", path);
            }
            if (RequireString(tool, "type", path) == "function")
            {
                functions.Add(CompletionToolParser.Definition(tool, path));
            }
        }
        return functions;
    }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{"type":"function","name"}</c>.</summary>
    private static ToolChoice ParseToolChoice(JsonElement root, IReadOnlyList<ToolDefinition> tools) =>
        CompletionToolParser.ParseToolChoice(root, tools, static choice =>
            choice.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "function"
            && choice.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            "{\"type\":\"function\",\"name\"}");

    /// <summary>
    /// A structured <c>text.format</c> (read by <see cref="StructuredOutput.Read"/>) as chat's <c>response_format</c>:
    /// <c>json_object</c> as it is, <c>json_schema</c>'s flat <c>name</c>, <c>schema</c>, <c>description</c> and <c>strict</c> nested under <c>json_schema</c>.
    /// </summary>
    private static RawJson ChatResponseFormat(JsonElement format)
    {
        var type = format.GetProperty("type").GetString();
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("type"u8, type);
            if (type == "json_schema")
            {
                json.WriteStartObject("json_schema"u8);
                foreach (var field in format.EnumerateObject())
                {
                    if (field.NameEquals("name"u8) || field.NameEquals("schema"u8) || field.NameEquals("description"u8) || field.NameEquals("strict"u8))
                    {
                        field.WriteTo(json);
                    }
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }
}
