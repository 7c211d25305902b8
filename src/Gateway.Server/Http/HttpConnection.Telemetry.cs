using System.Diagnostics;
using System.Net;
using System.Text;
using Gateway.Server.Diagnostics;
using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>What a request leaves behind: its span (continuing the client's W3C trace context), its count and time in /metrics, and its access log line.</summary>
internal sealed partial class HttpConnection
{
    private bool _requestOpen;
    private long _requestStart;
    private int _statusCode;
    private long _bytesSent;
    private byte[] _traceParent = [];
    private int _traceParentLength;
    private string? _traceState;

    /// <summary>The request's first byte arrived: its duration counts from here.</summary>
    private void OnRequestStarted()
    {
        _requestOpen = true;
        _requestStart = _metrics.Timestamp();
    }

    private void ResetTelemetry()
    {
        _statusCode = 0;
        _bytesSent = 0;
        _traceParentLength = 0;
        _traceState = null;
    }

    /// <summary>Kept only while spans are recorded; a value longer than any version's is ignored (W3C Trace Context §3.2).</summary>
    private void OnTraceParent(ReadOnlySpan<byte> value)
    {
        if (value.Length > 2 * TraceParent.Length)
        {
            return;
        }
        if (_traceParent.Length < value.Length)
        {
            _traceParent = new byte[2 * TraceParent.Length];
        }
        value.CopyTo(_traceParent);
        _traceParentLength = value.Length;
    }

    private void OnTraceState(ReadOnlySpan<byte> value) => _traceState = Encoding.ASCII.GetString(value);

    /// <remarks>Called only while spans are recorded: the peer's address is built only for a span.</remarks>
    private Activity? StartRequestSpan() => GatewayTracing.StartHttpRequest(
        RequestMethodNames.Of(_method), _route.Template, _path.Span, _version == HttpVersion.Http10 ? "1.0" : "1.1",
        _transport.RemoteEndPoint as IPEndPoint, _traceParent.AsSpan(0, _traceParentLength), _traceState);

    /// <summary>
    /// Ends the request's record once, as soon as its response is written (before the flush that lets the client see it, so
    /// a scrape after the answer counts it): counted when it was answered, its access line written either way.
    /// </summary>
    private void RecordRequest()
    {
        if (!_requestOpen)
        {
            return;
        }
        _requestOpen = false;
        var duration = _metrics.Elapsed(_requestStart);
        if (_responseStarted)
        {
            _metrics.RequestEnded(_route.RouteIndex, _method, _statusCode, duration);
        }
        LogRequest(duration);
    }

    /// <summary>One access line per request, answered or refused: method, path, status, body bytes sent, duration, connection.</summary>
    private void LogRequest(TimeSpan duration)
    {
        var line = _log.Line(LogLevel.Info, "request");
        if (!line.IsEnabled)
        {
            return;
        }
        line.Add("method"u8, RequestMethodNames.Of(_method));
        line.AddUtf8("path"u8, _path.Span);
        line.Add("status"u8, _statusCode);
        line.Add("bytes_sent"u8, _bytesSent);
        line.Add("duration_ms"u8, duration);
        line.Add("connection_id"u8, _id);
        line.Write();
    }
}
