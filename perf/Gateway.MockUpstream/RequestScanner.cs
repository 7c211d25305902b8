namespace Gateway.MockUpstream;

/// <summary>Byte scans of a chat-completions body: enough to pick a response, far cheaper than a JSON parse.</summary>
/// <remarks>
/// A quoted key cannot occur inside a JSON string value, where its quotes would be escaped (<c>\"role\"</c>), so the
/// last <c>"role"</c> in the body belongs to the last message (OpenAI bodies put <c>messages</c> before tool
/// definitions, whose schemas have no <c>role</c> key). The mock trusts its client: the gateway under test.
/// </remarks>
public static class RequestScanner
{
    /// <summary>True when the body has <c>"stream": true</c> (any whitespace around the colon).</summary>
    public static bool IsStream(ReadOnlySpan<byte> body) => ValueAfterKey(body, "\"stream\""u8, last: false).StartsWith("true"u8);

    /// <summary>True when the last <c>"role"</c> key in the body has the value <c>"user"</c>.</summary>
    public static bool LastRoleIsUser(ReadOnlySpan<byte> body) => ValueAfterKey(body, "\"role\""u8, last: true).StartsWith("\"user\""u8);

    private static ReadOnlySpan<byte> ValueAfterKey(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key, bool last)
    {
        var at = last ? body.LastIndexOf(key) : body.IndexOf(key);
        if (at < 0)
        {
            return default;
        }
        var rest = body[(at + key.Length)..].TrimStart(" \t\r\n"u8);
        return rest.Length > 0 && rest[0] == (byte)':' ? rest[1..].TrimStart(" \t\r\n"u8) : default;
    }
}
