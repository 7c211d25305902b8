using System.Text.Json;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// The oracle of the JSON body targets: whitespace between tokens is insignificant (RFC 8259 §2), so a body that is
/// JSON text must have the same outcome, accepted or refused, with a space before every token.
/// </summary>
internal static class JsonBodyOracle
{
    /// <param name="outcome">Parses a body and describes the result or the documented refusal; anything else it throws is a crash.</param>
    public static void Check(ReadOnlySpan<byte> input, Func<ReadOnlyMemory<byte>, string> outcome)
    {
        var body = input.ToArray();
        var original = outcome(body);
        if (Spaced(body) is { } spaced && outcome(spaced) is var again && again != original)
        {
            throw new OracleMismatchException($"with spaces between tokens: {again}; as sent: {original}");
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
