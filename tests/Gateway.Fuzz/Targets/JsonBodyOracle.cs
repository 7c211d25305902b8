using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// The oracle of the JSON body targets: whitespace between tokens is insignificant (RFC 8259 §2), so a body that is
/// JSON text must have the same outcome, accepted or refused, with a space before every token.
/// </summary>
internal static class JsonBodyOracle
{
    /// <param name="parse">Parses a body and describes the result; a <typeparamref name="TRefusal"/> is its documented refusal, anything else a crash.</param>
    /// <param name="refusal">Describes a refusal.</param>
    public static void Check<TRefusal>(ReadOnlySpan<byte> input, Func<ReadOnlyMemory<byte>, string> parse, Func<TRefusal, string> refusal)
        where TRefusal : Exception
    {
        var body = input.ToArray();
        var original = Outcome(body, parse, refusal);
        if (Spaced(body) is { } spaced && Outcome(spaced, parse, refusal) is var again && again != original)
        {
            throw new OracleMismatchException($"with spaces between tokens: {again}; as sent: {original}");
        }
    }

    /// <summary>What the oracle compares of parsed messages: role, part and tool call counts, tool call id.</summary>
    public static string Describe(IEnumerable<ChatMessage> messages) =>
        string.Join(' ', messages.Select(m => $"{m.Role}:{m.Content.Count}:{m.ToolCalls.Count}:{m.ToolCallId}"));

    private static string Outcome<TRefusal>(byte[] body, Func<ReadOnlyMemory<byte>, string> parse, Func<TRefusal, string> refusal)
        where TRefusal : Exception
    {
        try
        {
            return parse(body);
        }
        catch (TRefusal e)
        {
            return refusal(e);
        }
    }

    /// <summary>The body with a space before each token, or null when it is not JSON text.</summary>
    private static byte[]? Spaced(byte[] body)
    {
        var spaced = new List<byte>(body.Length * 2);
        var reader = new Utf8JsonReader(body);
        var copied = 0;
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                spaced.AddRange(body.AsSpan(copied, start - copied));
                spaced.Add((byte)' ');
                copied = start;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        spaced.AddRange(body.AsSpan(copied));
        return [.. spaced];
    }
}
