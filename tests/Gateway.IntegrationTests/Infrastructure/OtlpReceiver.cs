using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>
/// An OTLP/HTTP collector stand-in on a loopback socket: takes <c>POST /v1/traces</c> bodies (protobuf, by
/// Content-Length or chunked), answers 200, and keeps the decoded spans and each request's headers.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly List<OtlpSpan> _spans = [];
    private readonly ConcurrentQueue<(string Target, IReadOnlyDictionary<string, string> Headers)> _requests = new();
    private readonly Task _acceptLoop;
    private readonly ChangeSignal _spansAdded = new();

    public OtlpReceiver()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public IReadOnlyList<(string Target, IReadOnlyDictionary<string, string> Headers)> Requests => [.. _requests];

    /// <summary>The spans received so far, once <paramref name="done"/> accepts them; waited for with a bound.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> SpansAsync(Func<IReadOnlyList<OtlpSpan>, bool> done) =>
        await _spansAdded.WaitForAsync(_spans, () => done(_spans) ? _spans.ToList() : null);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections).WaitAsync(RawConnection.ReadTimeout);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new StreamByteReader(stream, _stop.Token);
        try
        {
            while (await reader.ReadLineAsync() is { Length: > 0 } requestLine)
            {
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                for (var line = await reader.ReadLineAsync(); line is { Length: > 0 }; line = await reader.ReadLineAsync())
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
                var body = headers.TryGetValue("Content-Length", out var length)
                    ? await reader.ReadBytesAsync(int.Parse(length, CultureInfo.InvariantCulture))
                    : await ReadChunkedAsync(reader);
                _requests.Enqueue((requestLine.Split(' ')[1], headers));
                var spans = OtlpSpan.Decode(body);
                lock (_spans)
                {
                    _spans.AddRange(spans);
                }
                _spansAdded.Notify();
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
        }
    }

    /// <summary>RFC 9112 §7.1: size line, data, CRLF, until the zero-size chunk and its trailer section.</summary>
    private static async Task<byte[]> ReadChunkedAsync(StreamByteReader reader)
    {
        var body = new List<byte>();
        while (true)
        {
            var size = int.Parse((await reader.ReadLineAsync())!.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while (await reader.ReadLineAsync() is { Length: > 0 })
                {
                }
                return [.. body];
            }
            body.AddRange(await reader.ReadBytesAsync(size));
            await reader.ReadLineAsync();
        }
    }

    /// <summary>Lines and byte counts off a stream, buffered.</summary>
    private sealed class StreamByteReader(Stream stream, CancellationToken token)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        /// <summary>A CRLF-terminated line without its CRLF; null at the end of the stream.</summary>
        public async Task<string?> ReadLineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end && !await FillAsync())
                {
                    return null;
                }
                var b = _buffer[_start++];
                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }
                line.Append((char)b);
            }
        }

        public async Task<byte[]> ReadBytesAsync(int count)
        {
            var bytes = new byte[count];
            for (var read = 0; read < count;)
            {
                if (_start == _end && !await FillAsync())
                {
                    throw new IOException("The stream ended inside a body.");
                }
                var take = Math.Min(count - read, _end - _start);
                _buffer.AsSpan(_start, take).CopyTo(bytes.AsSpan(read));
                _start += take;
                read += take;
            }
            return bytes;
        }

        private async Task<bool> FillAsync()
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, token);
            return _end > 0;
        }
    }
}
