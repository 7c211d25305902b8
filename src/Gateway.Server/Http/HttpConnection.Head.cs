using System.Buffers;
using System.Text;
using Gateway.Server.Diagnostics;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.Server.Http;

internal sealed partial class HttpConnection
{
    private RequestMethod _method;
    private HttpVersion _version;
    private readonly HeadPartCopy _path = new(64);
    private readonly HeadPartCopy _query = new();
    private readonly HeadPartCopy _lastEventId = new();
    private bool _parsedRequestLine;
    private int _headerBytesLeft;
    private int _headerCount;
    private int _hostCount;
    private long _contentLength;
    private bool _hasTransferEncoding;
    private bool _isChunked;
    private bool _hasOtherCoding;
    private bool _connectionClose;
    private bool _connectionKeepAlive;
    private bool _expectContinue;
    private readonly HeadPartCopy _credential = new();
    private bool _hasCredential;
    private readonly HeadPartCopy _acceptEncoding = new();
    private readonly HeadPartCopy _ifNoneMatch = new();
    private bool _firstRequest = true;

    /// <summary>Reads until a whole request head is parsed; false when the connection should close quietly instead.</summary>
    private async ValueTask<bool> ReadRequestHeadAsync()
    {
        ResetHead();
        while (true)
        {
            if (_shuttingDown && _state == RequestState.Idle)
            {
                return false;
            }

            // Flush only when no pipelined request is already waiting, so a batch of responses leaves together.
            if (!_input.TryRead(out var result))
            {
                var flush = await FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    return false;
                }
                result = await _input.ReadAsync().ConfigureAwait(false);
            }

            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _input.AdvanceTo(buffer.Start);
                switch (TakeTimeout())
                {
                    case DeadlineKind.KeepAlive:
                        return false;
                    case DeadlineKind.Headers:
                        RequestRejection.Throw(RequestRejectionReason.HeadersTimeout);
                        break;
                }
                continue;
            }

            if (_state == RequestState.Idle && !buffer.IsEmpty)
            {
                _state = RequestState.Head;
                OnRequestStarted();
                if (_deadlineKind == DeadlineKind.KeepAlive)
                {
                    SetDeadline(DeadlineKind.Headers, _options.HeadersTimeout);
                }
            }

            var complete = TryParseHead(buffer, out var consumed, out var examined);
            var nothingReceived = buffer.IsEmpty;
            _input.AdvanceTo(consumed, examined);
            if (complete)
            {
                ClearDeadline();
                return true;
            }
            if (result.IsCompleted)
            {
                if (nothingReceived)
                {
                    return false; // The client closed between requests.
                }
                RequestRejection.Throw(RequestRejectionReason.UnexpectedEndOfRequest);
            }
        }
    }

    private bool TryParseHead(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out SequencePosition examined)
    {
        var handler = new Http1ParsingHandler(this);
        var reader = new SequenceReader<byte>(buffer);
        if (!_parsedRequestLine)
        {
            if (!HttpParser.TryParseRequestLine(ref reader, ref handler, _options.MaxRequestLineBytes))
            {
                consumed = reader.Position;
                examined = buffer.End;
                return false;
            }
            _parsedRequestLine = true;
        }

        // The header section limit is enforced by letting the parser see no more than what is left of it.
        var rest = buffer.Slice(reader.Position);
        var limited = rest.Length > _headerBytesLeft ? rest.Slice(0, _headerBytesLeft) : rest;
        var headerReader = new SequenceReader<byte>(limited);
        var complete = HttpParser.TryParseHeaders(ref headerReader, ref handler);
        _headerBytesLeft -= (int)headerReader.Consumed;
        consumed = headerReader.Position;
        if (complete)
        {
            examined = consumed;
            return true;
        }
        if (limited.Length < rest.Length)
        {
            RequestRejection.Throw(RequestRejectionReason.HeadersTooLarge);
        }
        examined = buffer.End;
        return false;
    }

    private void ResetHead()
    {
        _state = RequestState.Idle;
        _method = RequestMethod.Unknown;
        _version = HttpVersion.Http11;
        _path.Clear();
        _query.Clear();
        _lastEventId.Clear();
        _parsedRequestLine = false;
        _headerBytesLeft = _options.MaxHeaderBytes;
        _headerCount = 0;
        _hostCount = 0;
        _contentLength = -1;
        _hasTransferEncoding = false;
        _isChunked = false;
        _hasOtherCoding = false;
        _connectionClose = false;
        _connectionKeepAlive = false;
        _expectContinue = false;
        _credential.Clear();
        _hasCredential = false;
        _acceptEncoding.Clear();
        _ifNoneMatch.Clear();
        _responseStarted = false;
        ResetTelemetry();
        _route = RouteMatch.None;
        if (!_firstRequest)
        {
            SetDeadline(DeadlineKind.KeepAlive, _options.KeepAliveTimeout);
        }
        _firstRequest = false;
    }

    private void OnStartLine(RequestMethod method, HttpVersion version, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query)
    {
        _method = method;
        _version = version;
        _path.Set(path);
        _query.Set(query);
    }

    /// <summary>Known fields are matched by length first, then by name, ignoring case (RFC 9110 §5.1).</summary>
    private void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (++_headerCount > _options.MaxHeaderCount)
        {
            RequestRejection.Throw(RequestRejectionReason.TooManyHeaders);
        }
        switch (name.Length)
        {
            case 4 when Ascii.EqualsIgnoreCase(name, "Host"u8):
                OnHost(value);
                break;
            case 6 when Ascii.EqualsIgnoreCase(name, "Expect"u8):
                _expectContinue = Ascii.EqualsIgnoreCase(value, "100-continue"u8);
                break;
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                OnConnection(value);
                break;
            case 10 when GatewayTracing.IsEnabled && Ascii.EqualsIgnoreCase(name, "tracestate"u8):
                OnTraceState(value);
                break;
            case 11 when GatewayTracing.IsEnabled && Ascii.EqualsIgnoreCase(name, "traceparent"u8):
                OnTraceParent(value);
                break;
            case 9 when Ascii.EqualsIgnoreCase(name, "x-api-key"u8) && _authenticator is not null:
                OnCredential(value);
                break;
            case 13 when Ascii.EqualsIgnoreCase(name, "Authorization"u8) && _authenticator is not null:
                OnCredential(BearerKeyAuthenticator.BearerToken(value));
                break;
            case 13 when Ascii.EqualsIgnoreCase(name, "If-None-Match"u8):
                _ifNoneMatch.AppendListItem(value);
                break;
            case 15 when Ascii.EqualsIgnoreCase(name, "Accept-Encoding"u8):
                _acceptEncoding.AppendListItem(value);
                break;
            case 13 when Ascii.EqualsIgnoreCase(name, "Last-Event-ID"u8):
                // WHATWG HTML §9.2.4: a reconnecting EventSource names the last event it saw (SPEC §9).
                _lastEventId.Set(value);
                break;
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                OnContentLength(value);
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                OnTransferEncoding(value);
                break;
        }
    }

    /// <summary>RFC 9112 §3.2: more than one Host, or an invalid one, is a 400.</summary>
    private void OnHost(ReadOnlySpan<byte> value)
    {
        if (++_hostCount > 1)
        {
            RequestRejection.Throw(RequestRejectionReason.DuplicateHost);
        }
        if (!HttpParser.IsValidHost(value))
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidHost);
        }
    }

    /// <summary>
    /// The key an <c>Authorization: Bearer</c> or an <c>x-api-key</c> (Anthropic's header, docs.anthropic.com/en/api/overview)
    /// presents, kept (in a buffer reused across requests) only when keys are configured, for the check after routing.
    /// </summary>
    /// <remarks>Two credentials are refused, not reconciled: Authorization is no list (RFC 9110 §5.3, §11.6.2), so either pick could be wrong.</remarks>
    private void OnCredential(ReadOnlySpan<byte> key)
    {
        if (_hasCredential)
        {
            RequestRejection.Throw(RequestRejectionReason.DuplicateAuthorization);
        }
        _hasCredential = true;
        _credential.Set(key);
    }

    private void OnConnection(ReadOnlySpan<byte> value)
    {
        foreach (var option in new CommaSeparatedValues(value))
        {
            _connectionClose |= Ascii.EqualsIgnoreCase(option, "close"u8);
            _connectionKeepAlive |= Ascii.EqualsIgnoreCase(option, "keep-alive"u8);
        }
    }

    /// <summary>
    /// Content-Length = 1*DIGIT (RFC 9110 §8.6). A repeated field must repeat the same value; a list
    /// inside one field is refused outright, which the RFC allows and which leaves nothing to reconcile.
    /// </summary>
    private void OnContentLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 18 || value.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidContentLength);
        }
        long length = 0;
        foreach (var digit in value)
        {
            length = (length * 10) + (digit - '0');
        }
        if (_contentLength >= 0 && _contentLength != length)
        {
            RequestRejection.Throw(RequestRejectionReason.ConflictingContentLength);
        }
        _contentLength = length;
    }

    /// <summary>
    /// Collects the coding chain, which may span several fields (RFC 9110 §5.3). Chunked must be applied once and last
    /// (RFC 9112 §6.1): a coding after it is a framing error at once; the rest is judged in <see cref="ValidateHead"/>.
    /// </summary>
    private void OnTransferEncoding(ReadOnlySpan<byte> value)
    {
        _hasTransferEncoding = true;
        var any = false;
        foreach (var coding in new CommaSeparatedValues(value))
        {
            any = true;
            if (_isChunked || !HttpCharacters.IsToken(coding))
            {
                RequestRejection.Throw(RequestRejectionReason.InvalidTransferEncoding);
            }
            if (Ascii.EqualsIgnoreCase(coding, "chunked"u8))
            {
                _isChunked = true;
            }
            else
            {
                _hasOtherCoding = true;
            }
        }
        if (!any)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidTransferEncoding);
        }
    }

    /// <summary>The checks that need the whole head; also settles whether the connection stays open.</summary>
    private void ValidateHead()
    {
        if (_version == HttpVersion.Http11 && _hostCount == 0)
        {
            RequestRejection.Throw(RequestRejectionReason.MissingHost);
        }
        if (_hasTransferEncoding)
        {
            // RFC 9112 §6.3: both is a possible smuggling attempt; answer 400 and close.
            if (_contentLength >= 0)
            {
                RequestRejection.Throw(RequestRejectionReason.ContentLengthWithTransferEncoding);
            }
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request means the framing is faulty; RFC 9112 §6.3: so does
            // a final coding other than chunked, since the body's length cannot be known.
            if (_version == HttpVersion.Http10 || !_isChunked)
            {
                RequestRejection.Throw(RequestRejectionReason.InvalidTransferEncoding);
            }
            // RFC 9112 §6.1: a well-framed chain with a coding Gateway does not implement.
            if (_hasOtherCoding)
            {
                RequestRejection.Throw(RequestRejectionReason.UnsupportedTransferCoding);
            }
        }

        // RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
        _keepAlive = !_connectionClose && (_version == HttpVersion.Http11 || _connectionKeepAlive);
    }

    /// <summary>Passes parser callbacks to the connection; a struct so the generic parser devirtualises them.</summary>
    private readonly struct Http1ParsingHandler(HttpConnection connection) : IHttpRequestLineHandler, IHttpHeadersHandler
    {
        public void OnStartLine(RequestMethod method, HttpVersion version, TargetForm form, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query) =>
            connection.OnStartLine(method, version, path, query);

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => connection.OnHeader(name, value);
    }
}
