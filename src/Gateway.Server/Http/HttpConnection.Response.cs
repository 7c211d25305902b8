using System.Buffers;
using System.IO.Pipelines;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.Server.Http;

/// <summary>The connection is also the exchange its endpoints see: nothing is allocated per request.</summary>
internal sealed partial class HttpConnection : IHttpExchange
{
    private RouteMatch _route;
    private bool _responseStarted;
    private CancellationTokenSource? _requestAborted;
    private bool _streaming;
    private bool _chunkedStream;
    private Task? _disconnectWatch;
    private IHeartbeatSubscriber? _heartbeatSubscriber;

    public bool IsHead => _method == RequestMethod.Head;

    public ReadOnlyMemory<byte> Body => _body.Memory;

    /// <remarks>
    /// The first use starts watching the input for the client leaving (see <see cref="WatchForDisconnectAsync"/>),
    /// so an endpoint that waits on something before it answers (a model's whole completion) learns of it too.
    /// </remarks>
    public CancellationToken RequestAborted
    {
        get
        {
            _requestAborted ??= new CancellationTokenSource();
            _disconnectWatch ??= WatchForDisconnectAsync(_requestAborted);
            return _requestAborted.Token;
        }
    }

    public bool HasStartedResponse => _responseStarted;

    public ClientKey? Key => _key;

    public CancellationToken ServerStopping => _serverStopping;

    public ReadOnlySpan<byte> AcceptEncoding => _acceptEncoding.Span;

    public ReadOnlySpan<byte> IfNoneMatch => _ifNoneMatch.Span;

    public ReadOnlySpan<byte> Query => _query.Span;

    public ReadOnlySpan<byte> LastEventId => _lastEventId.Span;

    public string GetRouteValue(int index) =>
        PercentDecoding.DecodeToString(_path.Span[_route.Values[index]]);

    public void Respond(int statusCode, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body, ReadOnlySpan<byte> extraHeaderLines = default)
    {
        if (_responseStarted)
        {
            throw new InvalidOperationException("The response has already been sent.");
        }
        WriteHead(statusCode, contentType, body.Length, extraHeaderLines);
        WriteBody(body);
    }

    public void StartStream(ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> extraHeaderLines)
    {
        if (_responseStarted)
        {
            throw new InvalidOperationException("The response has already been sent.");
        }
        // The framing is decided once, here, and the head and every write follow it: chunked for HTTP/1.1 even when
        // the connection closes after it; an HTTP/1.0 client cannot decode chunks (RFC 9112 §7), so its body ends with the connection.
        _chunkedStream = _version == HttpVersion.Http11;
        _keepAlive &= _chunkedStream;
        WriteHead(200, contentType, _chunkedStream ? ResponseHead.Chunked : ResponseHead.CloseDelimited, extraHeaderLines);
        _streaming = true;
        _ = RequestAborted;
    }

    public async ValueTask<bool> WriteStreamAsync(ReadOnlyMemory<byte> data)
    {
        if (IsHead)
        {
            // RFC 9110 §9.3.2: the head goes out alone, and the stream's writer learns at once that nothing more is taken.
            await FlushAsync().ConfigureAwait(false);
            return false;
        }
        _bytesSent += data.Length;
        // Empty, nothing is framed (a zero-size chunk would end the body) and only the head goes out.
        if (_chunkedStream && !data.IsEmpty)
        {
            // chunk = chunk-size CRLF chunk-data CRLF (RFC 9112 §7.1).
            var writer = new BufferWriter<PipeWriter>(_output);
            writer.WriteHex(data.Length);
            writer.Write("\r\n"u8);
            writer.Write(data.Span);
            writer.Write("\r\n"u8);
            writer.Commit();
        }
        else
        {
            _output.Write(data.Span);
        }
        var flush = await FlushAsync().ConfigureAwait(false);
        return !flush.IsCompleted && !_requestAborted!.IsCancellationRequested;
    }

    public void SubscribeHeartbeat(IHeartbeatSubscriber? subscriber) => Volatile.Write(ref _heartbeatSubscriber, subscriber);

    /// <summary>
    /// While an endpoint runs nothing else reads the input, so this does: the client closing its side
    /// or resetting the connection cancels the request. Bytes of a pipelined next request are left
    /// in the pipe for the main loop.
    /// </summary>
    private async Task WatchForDisconnectAsync(CancellationTokenSource aborted)
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCanceled)
                {
                    return; // The stream ended; the main loop takes the input back.
                }
                if (result.IsCompleted)
                {
                    aborted.Cancel();
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            aborted.Cancel();
        }
    }

    /// <summary>Ends a streamed body (the last chunk), stops the disconnect watch and hands the input back to the main loop.</summary>
    private async ValueTask EndResponseAsync()
    {
        if (_streaming)
        {
            _streaming = false;
            if (_chunkedStream && !IsHead)
            {
                _output.Write("0\r\n\r\n"u8);
            }
        }
        if (_disconnectWatch is null)
        {
            return;
        }
        _input.CancelPendingRead();
        await _disconnectWatch.ConfigureAwait(false);
        _disconnectWatch = null;
        if (_requestAborted!.IsCancellationRequested)
        {
            _keepAlive = false; // The client is gone or half-closed; there is no next request.
        }
    }

    /// <summary>A JSON response written by the connection itself (errors, 503), with an optional extra header line.</summary>
    private void WriteResponse(int statusCode, ReadOnlySpan<byte> json, ReadOnlySpan<byte> extraHeaderLines)
    {
        WriteHead(statusCode, ContentTypes.Json, json.Length, extraHeaderLines);
        WriteBody(json);
    }

    private void WriteHead(int statusCode, ReadOnlySpan<byte> contentType, long contentLength, ReadOnlySpan<byte> extraHeaderLines)
    {
        _responseStarted = true;
        _statusCode = statusCode;
        _keepAlive &= !_shuttingDown;
        var connectionLine = !_keepAlive ? "Connection: close\r\n"u8
            : _version == HttpVersion.Http10 ? "Connection: keep-alive\r\n"u8
            : default;
        ResponseHead.Write(_output, statusCode, _date.Line, contentType, contentLength, connectionLine, extraHeaderLines);
    }

    /// <summary>RFC 9110 §9.3.2: a response to HEAD carries the GET response's headers and no content.</summary>
    private void WriteBody(ReadOnlySpan<byte> body)
    {
        if (!IsHead)
        {
            _output.Write(body);
            _bytesSent += body.Length;
        }
    }

    /// <summary>Ends the request: its body buffer goes back to the pool and its abort signal is retired.</summary>
    private void ReleaseRequest()
    {
        _body.Reset();
        Volatile.Write(ref _heartbeatSubscriber, null);
        if (_requestAborted is { } aborted)
        {
            _requestAborted = null;
            aborted.Cancel();
            aborted.Dispose();
        }
    }
}
