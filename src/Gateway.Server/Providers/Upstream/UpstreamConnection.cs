using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Gateway.Server.Diagnostics;
using Gateway.Server.Transport;

namespace Gateway.Server.Providers.Upstream;

/// <summary>One HTTP/1.1 connection to an upstream: writes a request into its output pipe and reads the answer from its input.</summary>
/// <remarks>Exchanges run one at a time; the pool hands a connection to one caller, who gives it back through the response.</remarks>
internal sealed class UpstreamConnection
{
    private readonly ITransportConnection _transport;
    private readonly UpstreamConnectionPool _pool;
    private readonly byte[] _hostLine;
    private ResponseHead _head;

    // A provider sends every turn to the same Uri object: its request line is encoded once per connection.
    private Uri? _lineUri;
    private HttpMethod? _lineMethod;
    private byte[] _requestLine = [];

    private UpstreamConnection(ITransportConnection transport, UpstreamConnectionPool pool, UpstreamOrigin origin, long openedAt)
    {
        _transport = transport;
        _pool = pool;
        Origin = origin;
        OpenedAt = openedAt;
        _hostLine = Encoding.ASCII.GetBytes("Host: " + origin.Authority + "\r\n");
        Body = new UpstreamBody(transport.Input);
    }

    public UpstreamOrigin Origin { get; }

    /// <summary>When the connection was opened, as the pool's clock counts (its age bounds its reuse).</summary>
    public long OpenedAt { get; }

    /// <summary>Whether any byte of the current answer has arrived.</summary>
    public bool ReceivedAny { get; private set; }

    public UpstreamBody Body { get; }

    /// <summary>Whether the last head allows another exchange once its body is read.</summary>
    public bool KeepAlive => _head.KeepAlive;

    /// <summary>Opens a TCP connection (and TLS over it for https) within <paramref name="cancellationToken"/>.</summary>
    public static async ValueTask<UpstreamConnection> OpenAsync(UpstreamOrigin origin, UpstreamConnectionPool pool, CancellationToken cancellationToken)
    {
        var socket = await SocketConnector.ConnectAsync(origin.Host, origin.Port, cancellationToken).ConfigureAwait(false);
        var openedAt = pool.Clock.GetTimestamp();
        if (!origin.Tls)
        {
            // The pipes keep the thread pool's scheduling: inline continuations cost more CPU per stream here (perf/results/2026-12-06-upstream-client.md).
            var connection = new SocketConnection(socket);
            _ = connection.RunAsync();
            return new UpstreamConnection(connection, pool, origin, openedAt);
        }
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            // TargetHost gives SNI and the name the certificate must carry; an IP literal is sent without SNI (RFC 6066 §3).
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions { TargetHost = origin.Host, RemoteCertificateValidationCallback = pool.CertificateValidation },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new UpstreamConnection(new StreamConnection(tls), pool, origin, openedAt);
    }

    /// <summary>Whether an idle pooled connection still looks open: the server has neither closed it nor sent anything unasked.</summary>
    public bool LooksIdle()
    {
        if (!_transport.Input.TryRead(out var result))
        {
            return true;
        }
        _transport.Input.AdvanceTo(result.Buffer.Start);
        return false;
    }

    /// <summary>Writes the request and reads the head of its answer; the body is then <see cref="Body"/>.</summary>
    /// <exception cref="IOException">The connection broke or closed before the head was whole.</exception>
    /// <exception cref="HttpRequestException">The head is malformed or larger than <paramref name="maxHeadBytes"/>.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ResponseHead> ExchangeAsync(UpstreamRequest request, int maxHeadBytes, CancellationToken cancellationToken)
    {
        ReceivedAny = false;
        WriteRequest(request);
        var flush = await _transport.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted)
        {
            throw new IOException("The connection was closed before the request was sent.");
        }
        await ReadHeadAsync(maxHeadBytes, cancellationToken).ConfigureAwait(false);
        Body.Start(_head.Framing, _head.ContentLength);
        return _head;
    }

    /// <summary>Gives the connection back to the pool when its last body was read to the end and it may be reused; else closes it.</summary>
    public void Release()
    {
        Body.Complete();
        if (Body.IsComplete && KeepAlive)
        {
            _pool.Return(this);
        }
        else
        {
            Close();
        }
    }

    public void Close() => _transport.Abort();

    private static void WriteField(PipeWriter output, string name, string value)
    {
        output.Write("\r\n"u8);
        WriteAscii(output, name);
        output.Write(": "u8);
        WriteAscii(output, value);
    }

    private void WriteRequest(UpstreamRequest request)
    {
        var output = _transport.Output;
        if (!ReferenceEquals(request.Uri, _lineUri) || request.Method != _lineMethod)
        {
            _requestLine = Encoding.ASCII.GetBytes($"{request.Method.Method} {request.Uri.PathAndQuery} HTTP/1.1\r\n");
            (_lineUri, _lineMethod) = (request.Uri, request.Method);
        }
        output.Write(_requestLine);
        output.Write(_hostLine);
        output.Write("Accept: "u8);
        WriteAscii(output, request.Accept);
        foreach (var (name, value) in request.Headers)
        {
            WriteField(output, name, value);
        }
        // The model call's span continues at the upstream (W3C Trace Context); without a span nothing is added.
        if (TraceParent.ForOutgoingRequest() is ({ } traceParent, var traceState))
        {
            WriteField(output, "traceparent", traceParent);
            if (traceState is not null)
            {
                WriteField(output, "tracestate", traceState);
            }
        }
        if (request.Body is { } body)
        {
            output.Write("\r\nContent-Type: application/json\r\nContent-Length: "u8);
            var digits = output.GetSpan(20);
            Utf8Formatter.TryFormat(body.Length, digits, out var written);
            output.Advance(written);
        }
        output.Write("\r\n\r\n"u8);
        if (request.Body is not null)
        {
            output.Write(request.Body);
        }
    }

    /// <summary>A field's text as its bytes; control characters would split the head, so they are refused (RFC 9110 §5.5).</summary>
    private static void WriteAscii(PipeWriter output, string text)
    {
        if (!Ascii.IsValid(text) || text.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || text.Contains('\x7f', StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Request header values must be printable ASCII.");
        }
        var span = output.GetSpan(text.Length);
        Ascii.FromUtf16(text, span, out var written);
        output.Advance(written);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadHeadAsync(int maxHeadBytes, CancellationToken cancellationToken)
    {
        var input = _transport.Input;
        _head = new ResponseHead();
        long headBytes = 0;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            ReceivedAny |= !buffer.IsEmpty;
            // The head is bounded by slicing what the parser may see, as the server bounds a request's.
            var allowance = maxHeadBytes - headBytes;
            var limited = buffer.Length > allowance ? buffer.Slice(0, allowance) : buffer;
            var reader = new SequenceReader<byte>(limited);
            bool done;
            try
            {
                done = _head.TryParse(ref reader);
            }
            catch
            {
                input.AdvanceTo(buffer.Start);
                throw;
            }
            headBytes += reader.Consumed;
            input.AdvanceTo(reader.Position, done ? reader.Position : buffer.End);
            if (done && _head.StatusCode >= 200)
            {
                return;
            }
            if (done)
            {
                // An interim answer (1xx, RFC 9110 §15.2): the final one follows.
                _head = new ResponseHead();
                headBytes = 0;
            }
            else if (limited.Length < buffer.Length)
            {
                throw new HttpRequestException($"The upstream's response head is larger than {maxHeadBytes} bytes.");
            }
            else if (result.IsCompleted)
            {
                throw new IOException(ReceivedAny ? "The response ended prematurely." : "The connection was closed before any response.");
            }
        }
    }
}
