using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers;

/// <summary>What both request writers share: the failure of an unwritable body and the reading of content parts.</summary>
internal static class ProviderJson
{
    /// <summary>
    /// Writes a request body. Utf8JsonWriter refuses invalid UTF-16 (a lone surrogate) in message
    /// text; that becomes the turn's one failure event instead of an exception.
    /// </summary>
    public static bool TryEncode(string provider, Func<byte[]> writeBody, out byte[] body, out ProviderEvent failure)
    {
        try
        {
            body = writeBody();
            failure = default;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            body = [];
            failure = ProviderEvent.Failed($"{provider} request could not be encoded: {e.Message}", 400);
            return false;
        }
    }

    /// <summary><c>"name":["a","b"]</c>.</summary>
    public static void WriteStringArray(Utf8JsonWriter json, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }

    public static bool IsAllText(IReadOnlyList<ContentPart> parts)
    {
        foreach (var part in parts)
        {
            if (part.Kind != ContentPartKind.Text)
            {
                return false;
            }
        }
        return true;
    }

    public static string JoinText(IReadOnlyList<ContentPart> parts) =>
        parts.Count == 1 && parts[0].Kind == ContentPartKind.Text ? parts[0].Text ?? "" : string.Concat(parts.Where(p => p.Kind == ContentPartKind.Text).Select(p => p.Text));

    /// <summary><c>data:&lt;mediaType&gt;;base64,&lt;data&gt;</c> (RFC 2397).</summary>
    public static string DataUrl(ContentPart part) => $"data:{part.MediaType};base64,{part.Data}";

    /// <summary>
    /// The text of a document whose media type is textual (<c>text/*</c>, JSON, XML), decoded from base64 as
    /// UTF-8; null for anything else (PDF, …) or data that is not base64. Such documents are sent as text,
    /// which every model reads, instead of as files, which only some APIs accept.
    /// </summary>
    public static string? TextOfDocument(ContentPart part)
    {
        var type = part.MediaType ?? "";
        var textual = type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/xml", StringComparison.OrdinalIgnoreCase);
        if (!textual || part.Data is null)
        {
            return null;
        }
        var bytes = new byte[(part.Data.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(part.Data, bytes, out var length) ? Encoding.UTF8.GetString(bytes, 0, length) : null;
    }

    /// <summary>An image or a document that is not text (<see cref="TextOfDocument"/>), which a model that reads text only cannot take.</summary>
    public static bool IsBinary(ContentPart part) =>
        part.Kind == ContentPartKind.Image || (part.Kind == ContentPartKind.Document && TextOfDocument(part) is null);
}
