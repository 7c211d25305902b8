using System.Buffers;
using Gateway.Server.Endpoints;
using Gateway.Server.Routing;

namespace Gateway.Server.Http;

/// <summary>The connection is also the exchange its endpoints see: nothing is allocated per request.</summary>
internal sealed partial class HttpConnection : IHttpExchange
{
    private RouteMatch _route;
    private bool _responseStarted;
    private CancellationTokenSource? _requestAborted;

    public ReadOnlyMemory<byte> Body => _body.Memory;

    public CancellationToken RequestAborted => (_requestAborted ??= new CancellationTokenSource()).Token;

    public string GetRouteValue(int index) =>
        PercentDecoding.DecodeToString(_path.AsSpan(0, _pathLength)[_route.Values[index]]);

    public void Respond(int statusCode, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body)
    {
        if (_responseStarted)
        {
            throw new InvalidOperationException("The response has already been sent.");
        }
        WriteHead(statusCode, contentType, body.Length, default);
        WriteBody(body);
    }

    /// <summary>A JSON response written by the connection itself (errors, 503), with an optional extra header line.</summary>
    private void WriteResponse(int statusCode, ReadOnlySpan<byte> json, ReadOnlySpan<byte> extraHeaderLine)
    {
        WriteHead(statusCode, ContentTypes.Json, json.Length, extraHeaderLine);
        WriteBody(json);
    }

    /// <param name="extraHeaderLine">A whole header line with its CRLF (Allow, WWW-Authenticate), or empty.</param>
    private void WriteHead(int statusCode, ReadOnlySpan<byte> contentType, long contentLength, ReadOnlySpan<byte> extraHeaderLine)
    {
        _responseStarted = true;
        _keepAlive &= !_shuttingDown;
        var connectionLine = !_keepAlive ? "Connection: close\r\n"u8
            : _version == HttpVersion.Http10 ? "Connection: keep-alive\r\n"u8
            : default;
        ResponseHead.Write(_output, statusCode, _date.Line, contentType, contentLength, connectionLine, extraHeaderLine);
    }

    /// <summary>RFC 9110 §9.3.2: a response to HEAD carries the GET response's headers and no content.</summary>
    private void WriteBody(ReadOnlySpan<byte> body)
    {
        if (_method != RequestMethod.Head)
        {
            _output.Write(body);
        }
    }

    /// <summary>Ends the request: its body buffer goes back to the pool and its abort signal is retired.</summary>
    private void ReleaseRequest()
    {
        _body.Reset();
        if (_requestAborted is { } aborted)
        {
            _requestAborted = null;
            aborted.Cancel();
            aborted.Dispose();
        }
    }
}
