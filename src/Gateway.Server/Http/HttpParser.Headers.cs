namespace Gateway.Server.Http;

internal static partial class HttpParser
{
    /// <summary>field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), CR still attached.</summary>
    private static void ParseHeaderLine<THandler>(ReadOnlySpan<byte> line, ref THandler handler)
        where THandler : struct, IHttpHeadersHandler
    {
        line = WithoutCarriageReturn(line);

        // RFC 9112 §5.2: obs-fold (a line starting with whitespace) MUST be rejected with 400
        // or replaced; we reject, since nothing we serve needs folded values.
        if (HttpCharacters.IsWhitespace(line[0]))
        {
            RequestRejection.Throw(RequestRejectionReason.ObsoleteLineFolding);
        }

        var colon = line.IndexOf(ByteColon);
        if (colon <= 0)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidHeaderLine);
        }
        var name = line[..colon];

        // RFC 9112 §5.1: no whitespace is allowed between the field name and colon; a server MUST
        // reject such a request with 400.
        if (HttpCharacters.IsWhitespace(name[^1]))
        {
            RequestRejection.Throw(RequestRejectionReason.WhitespaceBeforeColon);
        }
        if (!HttpCharacters.IsToken(name))
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidHeaderLine);
        }

        var value = HttpCharacters.TrimWhitespace(line[(colon + 1)..]);
        if (value.ContainsAny(HttpCharacters.InvalidFieldValue))
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidHeaderValue);
        }
        handler.OnHeader(name, value);
    }
}
