using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Anthropic;

internal sealed partial class AnthropicProvider
{
    /// <summary>The thinking budgets of reasoningEffort low, medium and high (SPEC §3; the API's least is 1024).</summary>
    public const int LowThinkingBudget = 1024, MediumThinkingBudget = 4096, HighThinkingBudget = 16384;

    /// <summary>With thinking, top_p may only be set from 0.95 to 1 (docs.anthropic.com/en/docs/build-with-claude/extended-thinking).</summary>
    private const double MinThinkingTopP = 0.95;

    /// <summary>
    /// The turn's <c>budget_tokens</c> (the caller's own, or by its effort), or null for no thinking: none asked for; a turn that must call a tool (the API
    /// allows thinking with tool_choice auto and none only); or a tool-use loop whose first assistant message has no
    /// thinking block (it began without thinking, e.g. forced, or from a /v1 caller, and the API refuses to switch mid-loop).
    /// </summary>
    private static int? ThinkingBudget(ModelTurnRequest request)
    {
        var options = request.Options;
        if (options.ReasoningEffort is not { } effort
            || options.ToolChoice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function
            || !LoopBeganWithThinking(request.Messages))
        {
            return null;
        }
        return options.ThinkingBudget ?? ThinkingBudgetOf(effort);
    }

    public static int ThinkingBudgetOf(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.Low => LowThinkingBudget,
        ReasoningEffort.Medium => MediumThinkingBudget,
        _ => HighThinkingBudget,
    };

    /// <summary>Whether the first assistant message after the last user message, if any, holds Anthropic thinking.</summary>
    private static bool LoopBeganWithThinking(IReadOnlyList<ChatMessage> messages)
    {
        var start = 0;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                start = i + 1;
                break;
            }
        }
        for (var i = start; i < messages.Count; i++)
        {
            if (messages[i].Role == ChatRole.Assistant)
            {
                return messages[i].Reasoning.Any(IsAnthropic);
            }
        }
        return true;
    }

    private static bool IsAnthropic(ReasoningItem item) => item.Source is ReasoningSource.AnthropicThinking or ReasoningSource.AnthropicRedacted;

    /// <summary><c>{"type":"thinking","thinking","signature"}</c> or <c>{"type":"redacted_thinking","data"}</c>, as the model sent it.</summary>
    private static void WriteReasoning(Utf8JsonWriter json, ReasoningItem item)
    {
        json.WriteStartObject();
        if (item.Source == ReasoningSource.AnthropicRedacted)
        {
            json.WriteString("type"u8, "redacted_thinking"u8);
            json.WriteString("data"u8, item.RedactedData);
        }
        else
        {
            json.WriteString("type"u8, "thinking"u8);
            json.WriteString("thinking"u8, item.Text);
            json.WriteString("signature"u8, item.Signature);
        }
        json.WriteEndObject();
    }
}
