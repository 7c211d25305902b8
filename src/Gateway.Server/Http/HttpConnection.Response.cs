using System.Buffers;
using System.IO.Pipelines;
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

    /// <summary>A JSON response written by the connection itself (errors, 503), with an optional Allow header.</summary>
    private void WriteResponse(int statusCode, ReadOnlySpan<byte> json, ReadOnlySpan<byte> allow)
    {
        WriteHead(statusCode, ContentTypes.Json, json.Length, allow);
        WriteBody(json);
    }

    private void WriteHead(int statusCode, ReadOnlySpan<byte> contentType, long contentLength, ReadOnlySpan<byte> allow)
    {
        _responseStarted = true;
        _keepAlive &= !_shuttingDown;
        var writer = new BufferWriter<PipeWriter>(_output);
        writer.Write(StatusLines.For(statusCode));
        writer.Write(_date.Line);
        writer.Write("Content-Type: "u8);
        writer.Write(contentType);
        writer.Write("\r\nContent-Length: "u8);
        writer.WriteNumber(contentLength);
        writer.Write("\r\n"u8);
        if (!_keepAlive)
        {
            writer.Write("Connection: close\r\n"u8);
        }
        else if (_version == HttpVersion.Http10)
        {
            writer.Write("Connection: keep-alive\r\n"u8);
        }
        if (!allow.IsEmpty)
        {
            writer.Write("Allow: "u8);
            writer.Write(allow);
            writer.Write("\r\n"u8);
        }
        writer.Write("\r\n"u8);
        writer.Commit();
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
