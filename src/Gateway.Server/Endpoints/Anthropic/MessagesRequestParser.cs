using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using static Gateway.Server.Endpoints.Anthropic.MessagesFields;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>Turns a <c>POST /v1/messages</c> (or <c>/v1/messages/count_tokens</c>) body into a <see cref="MessagesRequest"/>, or an <see cref="AnthropicError"/>.</summary>
/// <remarks>
/// The request shape is Anthropic's (https://docs.anthropic.com/en/api/messages). Read: <c>model</c> (DEFAULT_MODEL when
/// absent), <c>max_tokens</c> (required, but not by count_tokens), <c>messages</c>, <c>system</c>, <c>tools</c>,
/// <c>tool_choice</c>, <c>stop_sequences</c>, <c>temperature</c> (0–1), <c>top_p</c>, <c>top_k</c>, <c>metadata.user_id</c>,
/// <c>thinking</c> (<c>enabled</c> with <c>budget_tokens</c>, which also sets the reasoning effort other providers take,
/// or <c>adaptive</c> with <c>output_config.effort</c>)
/// and <c>stream</c>; any other field is accepted and ignored. The model is resolved after the body's shape is known to
/// be right, as /v1/chat/completions does.
/// </remarks>
internal static class MessagesRequestParser
{
    /// <param name="countOnly">For count_tokens, which takes no <c>max_tokens</c> and answers no turn.</param>
    /// <param name="key">The key the request presented, whose <c>models</c> the model must match (403 otherwise); null: any model.</param>
    /// <exception cref="AnthropicError">The request is refused; its status and message say why.</exception>
    public static MessagesRequest Parse(ReadOnlyMemory<byte> body, ModelCatalog catalog, string? defaultModel, ClientKey? key, bool countOnly = false)
    {
        using var document = JsonBody.ParseObject(body, out var textProblem)
            ?? throw AnthropicError.InvalidRequest(textProblem is null ? "The request body is not a valid JSON object" : $"The request body is not valid JSON: {textProblem}");
        var root = document.RootElement;

        var model = OptionalString(root, "model", "") is { } named
            ? named.Length > 0 ? named : throw Invalid("", "model", "must be a non-empty string")
            : defaultModel ?? throw Invalid("", "model", "Field required");
        var maxTokens = Integer(root, "max_tokens", "", 1);
        if (maxTokens is null && !countOnly)
        {
            throw Invalid("", "max_tokens", "Field required");
        }
        List<ChatMessage> messages = [.. MessagesContentParser.ParseSystem(root), .. MessagesContentParser.ParseMessages(root)];
        var tools = MessagesToolParser.ParseTools(root);
        var (toolChoice, parallelToolCalls) = MessagesToolParser.ParseToolChoice(root, tools);
        var (thinkingBudget, effort) = ParseThinking(root, maxTokens);
        var options = new TurnOptions
        {
            Temperature = Number(root, "temperature", 0, 1),
            TopP = Number(root, "top_p", 0, 1),
            TopK = Integer(root, "top_k", "", 0),
            MaxTokens = maxTokens,
            Stop = ParseStopSequences(root),
            ToolChoice = toolChoice,
            ParallelToolCalls = parallelToolCalls,
            User = TryGet(root, "metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? OptionalString(metadata, "user_id", "metadata") : null,
            ThinkingBudget = thinkingBudget,
            ReasoningEffort = effort,
        };
        var stream = Boolean(root, "stream", "") ?? false;

        if (!catalog.TryResolve(model, out var provider, out var providerModel))
        {
            throw AnthropicError.ModelNotFound(model);
        }
        if (key is not null && !key.AllowsModel(model, provider.Name, providerModel))
        {
            throw AnthropicError.ModelNotAllowed(model);
        }
        if (!provider.CallsTools && toolChoice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function)
        {
            // Offered tools are ignored by such a model, but a demand for a call could only be broken silently.
            throw Invalid("", "tool_choice", $"the model '{model}' does not call tools, so a call cannot be required");
        }
        if (!provider.ReadsBinaryContent && messages.SelectMany(m => m.Content).Any(ProviderJson.IsBinary))
        {
            throw Invalid("", "messages", $"the model '{model}' reads text only, and the messages hold an image or a binary document");
        }
        return new MessagesRequest(model, provider, new ModelTurnRequest(providerModel, messages, tools) { Options = options }, stream);
    }

    /// <summary>
    /// <c>{"type":"enabled","budget_tokens"}</c> (at least 1024, below max_tokens): that budget, and the effort other
    /// providers take from it; <c>{"type":"adaptive"}</c> (the model decides how much; Claude Code sends it): the effort of
    /// <c>output_config.effort</c> (medium when absent) with its budget, kept below max_tokens; <c>{"type":"disabled"}</c>.
    /// </summary>
    private static (int? Budget, ReasoningEffort? Effort) ParseThinking(JsonElement root, int? maxTokens)
    {
        if (!TryGet(root, "thinking", out var thinking))
        {
            return default;
        }
        if (thinking.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("", "thinking", "must be an object");
        }
        switch (RequireString(thinking, "type", "thinking"))
        {
            case "disabled":
                return default;
            case "enabled":
                var budget = Integer(thinking, "budget_tokens", "thinking", AnthropicProvider.LowThinkingBudget)
                    ?? throw Invalid("thinking", "budget_tokens", "Field required");
                return budget < maxTokens || maxTokens is null
                    ? (budget, EffortOf(budget))
                    : throw Invalid("", "max_tokens", "must be greater than thinking.budget_tokens");
            case "adaptive":
                var effort = TryGet(root, "output_config", out var config) && config.ValueKind == JsonValueKind.Object
                    ? OptionalString(config, "effort", "output_config") switch
                    {
                        "low" => ReasoningEffort.Low,
                        null or "medium" => ReasoningEffort.Medium,
                        _ => ReasoningEffort.High, // high, max
                    }
                    : ReasoningEffort.Medium;
                var byEffort = AnthropicProvider.ThinkingBudgetOf(effort);
                // No room below max_tokens for the API's least budget: no thinking.
                var room = (maxTokens ?? int.MaxValue) - 1;
                return room < AnthropicProvider.LowThinkingBudget ? default : (Math.Min(byEffort, room), effort);
            default:
                throw Invalid("thinking", "type", "must be enabled, adaptive or disabled");
        }
    }

    private static ReasoningEffort EffortOf(int budget) => budget switch
    {
        < AnthropicProvider.MediumThinkingBudget => ReasoningEffort.Low,
        < AnthropicProvider.HighThinkingBudget => ReasoningEffort.Medium,
        _ => ReasoningEffort.High,
    };

    private static IReadOnlyList<string> ParseStopSequences(JsonElement root)
    {
        if (!TryGet(root, "stop_sequences", out var stops))
        {
            return [];
        }
        if (stops.ValueKind != JsonValueKind.Array || stops.EnumerateArray().Any(stop => stop.ValueKind != JsonValueKind.String))
        {
            throw Invalid("", "stop_sequences", "must be an array of strings");
        }
        // An empty sequence would stop at once.
        return [.. stops.EnumerateArray().Select(stop => stop.GetString()!).Where(stop => stop.Length > 0)];
    }
}
