using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.Anthropic;

internal sealed partial class AnthropicProvider
{
    /// <summary>
    /// Where a request's history is marked for prompt caching (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching):
    /// the end of the latest message, which the next turn reads back, and the end of the turn before the latest
    /// assistant message, which this turn reads. With the last tool and the system text that is four marks, the API's limit.
    /// </summary>
    /// <param name="LastMessage">The index of the last message that is not a system message (those go to <c>system</c>); -1 for none.</param>
    /// <param name="PreviousTurnEnd">The index of the last such message before the latest assistant message; -1 for none.</param>
    private readonly record struct CacheBreakpoints(int LastMessage, int PreviousTurnEnd)
    {
        public static CacheBreakpoints Of(IReadOnlyList<ChatMessage> messages)
        {
            var last = LastBefore(messages, messages.Count, _ => true);
            var assistant = LastBefore(messages, last + 1, m => m.Role == ChatRole.Assistant);
            return new CacheBreakpoints(last, assistant < 0 ? -1 : LastBefore(messages, assistant, _ => true));
        }

        public bool Marks(int index) => index >= 0 && (index == LastMessage || index == PreviousTurnEnd);

        private static int LastBefore(IReadOnlyList<ChatMessage> messages, int end, Func<ChatMessage, bool> matches)
        {
            for (var i = end - 1; i >= 0; i--)
            {
                if (messages[i].Role != ChatRole.System && matches(messages[i]))
                {
                    return i;
                }
            }
            return -1;
        }
    }

    /// <summary>Closes a content block, tool or system block, marked as a cache breakpoint when asked.</summary>
    private static void EndBlock(Utf8JsonWriter json, bool cache)
    {
        if (cache)
        {
            json.WriteStartObject("cache_control"u8);
            json.WriteString("type"u8, "ephemeral"u8);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
