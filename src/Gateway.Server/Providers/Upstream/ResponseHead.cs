using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Gateway.Server.Http;

namespace Gateway.Server.Providers.Upstream;

/// <summary>A response's status line and the few fields the client acts on; every other field is skipped.</summary>
/// <remarks>Parsed incrementally, like the server's request head: a line is consumed only once it is whole.</remarks>
internal struct ResponseHead : IHttpHeadersHandler
{
    private bool _statusParsed;
    private bool _http11;
    private bool _connectionClose;
    private bool _hasTransferEncoding;
    private bool _chunked;
    private long _contentLength;

    public ResponseHead()
    {
        _contentLength = -1;
        ReasonPhrase = string.Empty;
    }

    public int StatusCode { get; private set; }

    /// <summary>The reason phrase, kept only for a status outside 2xx (it goes into failure messages); else empty.</summary>
    public string ReasonPhrase { get; private set; }

    /// <summary>The raw <c>Retry-After</c> value (RFC 9110 §10.2.3), or null.</summary>
    public string? RetryAfter { get; private set; }

    public readonly long ContentLength => _contentLength;

    /// <summary>RFC 9112 §6.3, in its order of precedence.</summary>
    public readonly BodyFraming Framing =>
        StatusCode is < 200 or 204 or 304 ? BodyFraming.None
        : _hasTransferEncoding ? (_chunked ? BodyFraming.Chunked : BodyFraming.UntilClose)
        : _contentLength >= 0 ? BodyFraming.ContentLength
        : BodyFraming.UntilClose;

    /// <summary>Whether the connection may carry another request once this body is read (RFC 9112 §9.3).</summary>
    public readonly bool KeepAlive =>
        _http11 && !_connectionClose && Framing != BodyFraming.UntilClose && !(_hasTransferEncoding && _contentLength >= 0);

    /// <summary>Parses from <paramref name="reader"/>; true once the empty line ending the head is consumed.</summary>
    /// <exception cref="HttpRequestException">The head is malformed.</exception>
    public bool TryParse(ref SequenceReader<byte> reader)
    {
        try
        {
            if (!_statusParsed)
            {
                if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
                {
                    return false;
                }
                using var copy = new LineCopy(line, stackalloc byte[LineCopy.StackLimit]);
                ParseStatusLine(copy.Span);
                _statusParsed = true;
            }
            return HttpParser.TryParseHeaders(ref reader, ref this);
        }
        catch (BadHttpRequestException e)
        {
            throw new HttpRequestException($"The upstream sent a malformed response head ({e.Reason}).");
        }
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        switch (name.Length)
        {
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                foreach (var option in new CommaSeparatedValues(value))
                {
                    _connectionClose |= Ascii.EqualsIgnoreCase(option, "close"u8);
                }
                break;
            case 11 when Ascii.EqualsIgnoreCase(name, "Retry-After"u8):
                RetryAfter = Encoding.ASCII.GetString(value);
                break;
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                // RFC 9110 §8.6: a list of equal values may be taken as one; anything else is invalid.
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0
                    || (_contentLength >= 0 && _contentLength != length))
                {
                    throw Malformed("Content-Length");
                }
                _contentLength = length;
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                // RFC 9112 §6.3: chunked counts only as the final coding; anything after it reads until the close.
                foreach (var coding in new CommaSeparatedValues(value))
                {
                    _chunked = Ascii.EqualsIgnoreCase(coding, "chunked"u8);
                }
                _hasTransferEncoding = true;
                break;
        }
    }

    /// <summary>status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4), CR still attached.</summary>
    private void ParseStatusLine(ReadOnlySpan<byte> line)
    {
        if (line.Length < 13 || line[^1] != (byte)'\r' || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' '
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var used) || used != 3 || status < 100
            || (line.Length > 13 && line[12] != (byte)' '))
        {
            throw Malformed("status line");
        }
        StatusCode = status;
        _http11 = line[7] == (byte)'1';
        ReasonPhrase = status is >= 200 and < 300 || line.Length <= 14 ? string.Empty : Encoding.ASCII.GetString(line[13..^1]);
    }

    private static HttpRequestException Malformed(string what) => new($"The upstream sent an invalid {what}.");
}
