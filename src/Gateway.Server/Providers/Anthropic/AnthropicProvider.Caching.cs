using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers.Anthropic;

internal sealed partial class AnthropicProvider
{
    /// <summary>The gateway's own mark: a 5-minute ephemeral cache entry, the API's default.</summary>
    private static readonly RawJson s_ephemeral = RawJson.Parse("""{"type":"ephemeral"}""");

    /// <summary>
    /// Where a request's history is marked for prompt caching (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching):
    /// the end of the latest message, which the next turn reads back, and the end of the turn before the latest
    /// assistant message, which this turn reads. With the last tool and the system text that is four marks, the API's limit.
    /// A Messages caller that placed its own marks (<c>cache_control</c> on any block or tool) gets those instead, as sent:
    /// with the gateway's too, they could pass the limit.
    /// </summary>
    /// <param name="LastMessage">The index of the last message that is not a system message (those go to <c>system</c>); -1 for none.</param>
    /// <param name="PreviousTurnEnd">The index of the last such message before the latest assistant message; -1 for none.</param>
    /// <param name="ByCaller">The caller placed the marks: the gateway places none.</param>
    private readonly record struct CacheBreakpoints(int LastMessage, int PreviousTurnEnd, bool ByCaller)
    {
        public static CacheBreakpoints Of(ModelTurnRequest request)
        {
            if (HasCallerMarks(request))
            {
                return new CacheBreakpoints(-1, -1, ByCaller: true);
            }
            var messages = request.Messages;
            var last = LastBefore(messages, messages.Count, _ => true);
            var assistant = LastBefore(messages, last + 1, m => m.Role == ChatRole.Assistant);
            return new CacheBreakpoints(last, assistant < 0 ? -1 : LastBefore(messages, assistant, _ => true), ByCaller: false);
        }

        public bool Marks(int index) => index >= 0 && (index == LastMessage || index == PreviousTurnEnd);

        /// <summary>The gateway's mark where <paramref name="marked"/> says it goes, unless the caller placed the marks.</summary>
        public RawJson? Mark(bool marked) => marked && !ByCaller ? s_ephemeral : null;

        private static bool HasCallerMarks(ModelTurnRequest request) =>
            request.Tools.Any(t => t.CacheControl is not null)
            || request.Messages.Any(m => m.CacheControl is not null || m.Content.Any(p => p.CacheControl is not null) || m.ToolCalls.Any(c => c.CacheControl is not null));

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

    /// <summary>Closes a content block, tool or system block, with its <c>cache_control</c> when it has one.</summary>
    private static void EndBlock(Utf8JsonWriter json, RawJson? cacheControl)
    {
        if (cacheControl is { } control)
        {
            json.WritePropertyName("cache_control"u8);
            control.WriteTo(json);
        }
        json.WriteEndObject();
    }
}
