using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Providers.Mock;

/// <summary>A last user message <c>/tool &lt;name&gt; &lt;json arguments&gt;</c>: the mock's turn is then that one tool call.</summary>
/// <param name="Arguments">The arguments object; <c>{}</c> when the command gives none.</param>
internal sealed record MockToolCommand(string Name, RawJson Arguments)
{
    private const string Prefix = "/tool";

    /// <summary>The command the conversation ends with; null when its last message is not a user's <c>/tool</c>.</summary>
    /// <exception cref="FormatException">It is one, but names no tool or its arguments are not a JSON object.</exception>
    public static MockToolCommand? Find(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0 || messages[^1].Role != ChatRole.User)
        {
            return null;
        }
        var text = messages[^1].Text.AsSpan().Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || (text.Length > Prefix.Length && !char.IsWhiteSpace(text[Prefix.Length])))
        {
            return null;
        }
        var rest = text[Prefix.Length..].TrimStart();
        var end = rest.IndexOfAny(" \t\r\n");
        var name = end < 0 ? rest : rest[..end];
        if (name.IsEmpty)
        {
            throw new FormatException("names no tool");
        }
        var arguments = end < 0 ? [] : rest[end..].Trim();
        return new MockToolCommand(name.ToString(), arguments.IsEmpty ? RawJson.EmptyObject : ParseObject(arguments));
    }

    private static RawJson ParseObject(ReadOnlySpan<char> text)
    {
        try
        {
            var json = RawJson.Parse(text.ToString());
            if (json.Utf8.Span[0] == (byte)'{')
            {
                return json;
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }
        throw new FormatException($"has arguments that are not a JSON object: {text}");
    }
}
