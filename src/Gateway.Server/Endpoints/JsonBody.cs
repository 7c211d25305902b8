using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Gateway.Server.Conversation;

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
        if (JsonText.LoneSurrogateEscape(body.Span) is var at and >= 0)
        {
            document.Dispose();
            textProblem = $"a string escapes a lone surrogate ({Encoding.ASCII.GetString(body.Span.Slice(at, 6))})";
            return null;
        }
        return document;
    }
}
