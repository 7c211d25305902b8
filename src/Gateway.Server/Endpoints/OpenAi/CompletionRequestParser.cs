using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.Server.Endpoints.OpenAi.OpenAiRequestFields;

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

        var model = ReadModel(root, defaultModel);
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

        var provider = ResolveModel(catalog, model, key, out var providerModel);
        if (root.TryGetProperty("response_format", out var format) && StructuredOutput.IsStructured(format))
        {
            StructuredOutput.EnsureHonoured(provider, model, "response_format");
            if (!provider.SpeaksOpenAi)
            {
                // An OpenAI-compatible upstream gets the caller's own (OpenAiFields) and checks it; other providers get it read.
                options = options with { ResponseFormat = StructuredOutput.Read(format, "response_format", "json_schema") };
            }
        }
        if (!provider.SpeaksOpenAi && ReadBoolean(root, "logprobs") == true)
        {
            // Anthropic's API and the local runtime report no token probabilities; an answer without them would pass for one.
            throw OpenAiError.InvalidRequest($"logprobs are only available from models of OpenAI-compatible providers, not '{model}'", "logprobs");
        }
        EnsureToolChoiceHonoured(provider, model, options.ToolChoice);
        if (!provider.ReadsBinaryContent && FirstBinaryPart(messages) is { } part)
        {
            // A local model would get a note in its place (LocalPromptFormat); an API caller is better told at once.
            throw OpenAiError.InvalidRequest($"The model '{model}' reads text only: {part} is an image or a binary file", part);
        }
        return new CompletionRequest(model, provider, new ModelTurnRequest(providerModel, messages, tools) { Options = options }, stream, includeUsage);
    }

    /// <summary>The request path (<c>messages[i].content[j]</c>) of the first image or non-textual document, if any.</summary>
    private static string? FirstBinaryPart(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var content = messages[i].Content;
            for (var j = 0; j < content.Count; j++)
            {
                if (ProviderJson.IsBinary(content[j]))
                {
                    return $"messages[{i}].content[{j}]";
                }
            }
        }
        return null;
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
