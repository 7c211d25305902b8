using System.IO.Pipelines;
using System.Text;
using System.Text.Unicode;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;
using Gateway.Server.Transport;

namespace Gateway.Server.Http;

/// <summary>Serves HTTP/1.1 (and 1.0) requests on one connection, one after another, until it closes.</summary>
/// <remarks>
/// The connection is a state machine over its input pipe: <see cref="RequestState.Idle"/> (waiting
/// for a request's first byte; keep-alive timeout), <see cref="RequestState.Head"/> (request line
/// and header fields; header timeout), <see cref="RequestState.Body"/> (body timeout) and
/// <see cref="RequestState.Endpoint"/>. Pipelined requests are parsed from what is already
/// buffered and answered in order; responses are flushed only when no further request is
/// buffered, so a pipelined batch leaves in one write. Any framing error is answered and the
/// connection closed, since the position in the byte stream can no longer be trusted.
/// </remarks>
internal sealed partial class HttpConnection
{
    private readonly ITransportConnection _transport;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly HttpServerOptions _options;
    private readonly Router _router;
    private readonly DateHeader _date;
    private readonly GatewayLog _log;
    private readonly BearerKeyAuthenticator? _authenticator;
    private readonly HttpMetrics _metrics;
    private readonly CancellationToken _serverStopping;
    private readonly long _id;

    private volatile RequestState _state;
    private volatile bool _shuttingDown;
    private bool _keepAlive;
    private ClientKey? _key;
    private bool _isAuthorized;
    private int _retryAfterSeconds;

    /// <param name="id">The connection's number in the server, for the access log.</param>
    /// <param name="serverStopping">The server's <see cref="IHttpExchange.ServerStopping"/>, shared by every connection.</param>
    public HttpConnection(
        long id, ITransportConnection transport, HttpServerOptions options, Router router, DateHeader date, GatewayLog log, BearerKeyAuthenticator? authenticator,
        HttpMetrics metrics, CancellationToken serverStopping)
    {
        _id = id;
        _transport = transport;
        _input = transport.Input;
        _output = transport.Output;
        _options = options;
        _router = router;
        _date = date;
        _log = log;
        _authenticator = authenticator;
        _metrics = metrics;
        _serverStopping = serverStopping;
        // The first request's clock starts at accept: a client that connects and sends nothing
        // gets the header timeout, not the (longer) keep-alive one.
        SetDeadline(DeadlineKind.Headers, options.HeadersTimeout);
    }

    private enum RequestState : byte
    {
        Idle,
        Head,
        Body,
        Endpoint,
    }

    /// <summary>Serves requests until the client or the server closes the connection.</summary>
    public async Task ProcessRequestsAsync()
    {
        try
        {
            while (await ReadRequestHeadAsync().ConfigureAwait(false)
                && await HandleRequestAsync().ConfigureAwait(false))
            {
            }
            await FlushAsync().ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await RejectAsync(e.Reason).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer reset the connection; there is nobody left to answer.
        }
        catch (Exception e)
        {
            _log.Error("Unhandled error while serving a request.", e);
            await RespondAfterFailureAsync().ConfigureAwait(false);
        }
        finally
        {
            RecordRequest();
            ReleaseRequest();
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Answers a connection accepted beyond the connection limit with 503, then closes it.</summary>
    public async Task RejectOverCapacityAsync()
    {
        _keepAlive = false;
        WriteResponse(503, """{"error":"Server at connection limit"}"""u8, default);
        await _input.CompleteAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Stops after the current request; an idle connection closes now.</summary>
    public void BeginShutdown()
    {
        _shuttingDown = true;
        if (_state == RequestState.Idle)
        {
            _input.CancelPendingRead();
        }
    }

    public void Abort() => _transport.Abort();

    /// <summary>Runs one parsed request to its response, in its span when traces are on; false when the connection must close after it.</summary>
    /// <remarks>Without a listener no wrapping async method: its state machine would be one more allocation per request.</remarks>
    private ValueTask<bool> HandleRequestAsync()
    {
        ValidateHead();
        _route = _router.Match(_method, _path.Span);
        return GatewayTracing.IsEnabled ? ServeInSpanAsync() : ServeRequestAsync();
    }

    private async ValueTask<bool> ServeInSpanAsync()
    {
        using var activity = StartRequestSpan();
        try
        {
            return await ServeRequestAsync().ConfigureAwait(false);
        }
        finally
        {
            GatewayTracing.RecordHttpStatus(activity, _statusCode);
        }
    }

    private async ValueTask<bool> ServeRequestAsync()
    {
        var hasBody = _isChunked || _contentLength > 0;
        _isAuthorized = Authorize();

        if (!IsImplemented || !_isAuthorized || _route.Status != RouteMatchStatus.Found || _contentLength > _options.MaxBodyBytes || !IsWithinRate())
        {
            return await RefuseBeforeBodyAsync(hasBody).ConfigureAwait(false);
        }

        if (hasBody)
        {
            await ReadBodyAsync(_options.MaxBodyBytes).ConfigureAwait(false);
        }

        _state = RequestState.Endpoint;
        try
        {
            await _route.Endpoint!.InvokeAsync(this).ConfigureAwait(false);
        }
        finally
        {
            await EndResponseAsync().ConfigureAwait(false);
        }
        if (!_responseStarted)
        {
            throw new InvalidOperationException($"The endpoint for {_method} {Encoding.ASCII.GetString(_path.Span)} completed without a response.");
        }
        RecordRequest();
        ReleaseRequest();
        return _keepAlive;
    }

    /// <summary>RFC 9110 §9.1: a method Gateway does not recognise, and CONNECT, which it does not serve, are 501.</summary>
    private bool IsImplemented => _method is not (RequestMethod.Unknown or RequestMethod.Connect);

    /// <summary>With keys configured, only anonymous routes (/health, the web page and its files) may skip the key (SPEC §1); the key found becomes <see cref="Key"/>.</summary>
    private bool Authorize()
    {
        _key = _authenticator is null || _route.IsAnonymous ? null : _authenticator.Authenticate(_credential.Span);
        return _authenticator is null || _route.IsAnonymous || _key is not null;
    }

    /// <summary>Counted only for a request that would reach its endpoint: a refused one uses none of the key's rate.</summary>
    private bool IsWithinRate() => _key is null || _authenticator!.Requests.TryAdmit(_key, out _retryAfterSeconds);

    /// <summary>
    /// Answers a request refused on its head (501, 401, 404, 405, 413, 429) and keeps the connection when its body is small enough
    /// to read and drop, so a keep-alive or pipelining client does not lose its next request; a larger body closes it.
    /// </summary>
    private async ValueTask<bool> RefuseBeforeBodyAsync(bool hasBody)
    {
        // RFC 9110 §10.1.1: a client that expects 100-continue may or may not send its body, so its end cannot be found.
        _keepAlive &= !hasBody || (!_expectContinue && _contentLength <= DiscardableBodyBytes);
        WriteRefusal();
        RecordRequest();
        if (!hasBody || !_keepAlive)
        {
            return _keepAlive;
        }
        await FlushAsync().ConfigureAwait(false);
        // A chunked body past the bound ends the connection through the rejection path, after the answer already sent.
        await ReadBodyAsync(DiscardableBodyBytes).ConfigureAwait(false);
        _body.Reset();
        return true;
    }

    private void WriteRefusal()
    {
        var shape = RefusalShape();
        if (!IsImplemented)
        {
            WriteRejection(RequestRejectionReason.MethodNotImplemented);
        }
        else if (!_isAuthorized)
        {
            // RFC 6750 §3: a 401 names the scheme the client should use.
            WriteResponse(401, shape.Unauthorized, "WWW-Authenticate: Bearer\r\n"u8);
        }
        else if (_route.Status == RouteMatchStatus.MethodNotAllowed)
        {
            WriteResponse(405, shape.MethodNotAllowed, _route.AllowHeader);
        }
        else if (_route.Status == RouteMatchStatus.NotFound)
        {
            WriteResponse(404, shape.NotFound, default);
        }
        else if (_contentLength > _options.MaxBodyBytes)
        {
            // RFC 9110 §15.5.14: the declared length is over the limit; refused before the client is invited to send it.
            WriteRejection(RequestRejectionReason.BodyTooLarge);
        }
        else
        {
            WriteTooManyRequests(shape);
        }
    }

    /// <summary>RFC 6585 §4: 429, with <c>Retry-After</c> in seconds until the key's oldest request of the last minute leaves the window.</summary>
    private void WriteTooManyRequests(IRefusalShape shape)
    {
        Span<byte> body = stackalloc byte[128];
        Span<byte> retryAfter = stackalloc byte[32];
        Utf8.TryWrite(body, $"{{\"error\":\"Too many requests: this key may make {_key!.RequestsPerMinute} requests per minute\"}}", out var bodyLength);
        Utf8.TryWrite(retryAfter, $"Retry-After: {_retryAfterSeconds}\r\n", out var retryAfterLength);
        WriteResponse(429, shape.Rejection(429, body[..bodyLength]), retryAfter[..retryAfterLength]);
    }

    private async ValueTask RejectAsync(RequestRejectionReason reason)
    {
        (reason is RequestRejectionReason.HeadersTimeout or RequestRejectionReason.BodyTimeout ? _metrics.RejectedOnTimeout : _metrics.RejectedBadRequest).Increment();
        if (_responseStarted)
        {
            return;
        }
        _keepAlive = false;
        WriteRejection(reason);
        RecordRequest();
        await FlushAsync().ConfigureAwait(false);
    }

    private void WriteRejection(RequestRejectionReason reason)
    {
        var status = RequestRejection.StatusCode(reason);
        var body = RequestRejection.ErrorBody(reason);
        // Once the request line is read the path is known: a route group's client gets the error in the shape it parses.
        WriteResponse(status, _parsedRequestLine ? RefusalShape().Rejection(status, body) : body, default);
    }

    private IRefusalShape RefusalShape() => _router.RefusalShapeFor(_path.Span) ?? SpecRefusalShape.Instance;

    private async ValueTask RespondAfterFailureAsync()
    {
        if (_responseStarted)
        {
            return; // Part of a response is out; cutting the connection is the only honest signal left.
        }
        _keepAlive = false;
        WriteResponse(500, """{"error":"Internal Server Error"}"""u8, default);
        RecordRequest();
        await FlushAsync().ConfigureAwait(false);
    }
}
