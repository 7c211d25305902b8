using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Gateway.Server.Endpoints;

/// <summary>
/// A request body as a JSON document whose root is an object and whose every string reads as .NET text, so no
/// <c>GetString</c> on it can throw: /chat, /chat/relay and /v1/chat/completions parse their bodies here (and /v1 the
/// JSON inside a replayed tool call's arguments string).
/// </summary>
internal static class JsonBody
{
    /// <returns>The document, or null when the body is not a JSON object or holds text no string can carry.</returns>
    /// <param name="textProblem">When the body is refused for its text, what is wrong with it; else null.</param>
    public static JsonDocument? ParseObject(ReadOnlyMemory<byte> body, out string? textProblem)
    {
        // RFC 8259 §8.1: JSON text exchanged between systems is UTF-8; the parser leaves string contents unchecked.
        if (!Utf8.IsValid(body.Span))
        {
            textProblem = "the body is not valid UTF-8";
            return null;
        }
        textProblem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return null;
        }
        if (LoneSurrogateEscape(body.Span) is { } escape)
        {
            document.Dispose();
            textProblem = $"a string escapes a lone surrogate ({escape})";
            return null;
        }
        return document;
    }

    /// <summary>The first <c>\uXXXX</c> escape of a surrogate without its pair (RFC 8259 §8.2), if any.</summary>
    /// <param name="json">Text that parsed as JSON, so every backslash starts an escape (RFC 8259 §7).</param>
    private static string? LoneSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf((byte)'\\');
        while (at >= 0)
        {
            var escape = json[at..];
            var length = 2;
            if (escape[1] == (byte)'u')
            {
                var unit = CodeUnit(escape.Slice(2, 4));
                length = 6;
                if (char.IsHighSurrogate(unit) && escape.Length >= 12 && escape[6] == (byte)'\\' && escape[7] == (byte)'u'
                    && char.IsLowSurrogate(CodeUnit(escape.Slice(8, 4))))
                {
                    length = 12;
                }
                else if (char.IsSurrogate(unit))
                {
                    return Encoding.ASCII.GetString(escape[..6]);
                }
            }
            var next = escape[length..].IndexOf((byte)'\\');
            at = next < 0 ? -1 : at + length + next;
        }
        return null;
    }

    private static char CodeUnit(ReadOnlySpan<byte> hex) => (char)ushort.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
