using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure.Upstream;

/// <summary>
/// A model API stand-in: a real HTTP/1.1 server on a loopback socket (our own, not Kestrel) that answers each
/// request with the next scripted <see cref="UpstreamReply"/> and records what it received.
/// </summary>
/// <remarks>
/// Keep-alive is honoured, so a client may reuse a connection. Each reply's body goes out as chunked transfer
/// coding, one HTTP chunk per piece, flushed with a pause between pieces, so the client sees the bytes split
/// where the script split them. The server also notes when the client closes each connection.
/// </remarks>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<UpstreamReply> _replies = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;
    private readonly TaskCompletionSource<DateTime> _clientClosed = NewSignal();

    private FakeUpstream(IEnumerable<UpstreamReply> replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c> plus <paramref name="path"/>.</summary>
    public Uri Url(string path = "") => new($"http://127.0.0.1:{Port}{path}");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>How many connections the client opened.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Completes with the time the client closed a connection that was held open (see <see cref="UpstreamReply.Hold"/>).</summary>
    public Task<DateTime> ClientClosedHeldConnection => _clientClosed.Task;

    /// <summary>Used when the script has run out.</summary>
    public UpstreamReply Fallback { get; init; } = UpstreamReply.Json("""{"error":{"message":"no scripted reply"}}""", 599, "Script Exhausted");

    public static FakeUpstream Start(params UpstreamReply[] replies) => new(replies);

    public void Enqueue(UpstreamReply reply) => _replies.Enqueue(reply);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
            await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException or TimeoutException)
        {
        }
        _stop.Dispose();
    }

    private static TaskCompletionSource<DateTime> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                _connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped: an accept begun after TcpListener.Stop throws InvalidOperationException ("Not listening").
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new RequestBuffer(stream);
        try
        {
            while (await buffer.ReadRequestAsync(_stop.Token) is { } request)
            {
                _requests.Enqueue(request);
                var reply = _replies.TryDequeue(out var next) ? next : Fallback;
                if (!await WriteReplyAsync(stream, reply))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The client went away, or the fake is stopping.
        }
    }

    /// <returns>True when the connection may carry another request.</returns>
    private async Task<bool> WriteReplyAsync(NetworkStream stream, UpstreamReply reply)
    {
        var token = _stop.Token;
        await Task.Delay(reply.HeadDelay, token);
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {reply.Reason}\r\n");
        foreach (var (name, value) in reply.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }
        head.Append("Transfer-Encoding: chunked\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), token);
        await stream.FlushAsync(token);
        await Task.Delay(reply.BodyDelay, token);
        if (reply.OneWrite)
        {
            await WriteAllChunksAsync(stream, reply.Pieces, token);
            return true;
        }

        for (var i = 0; i < reply.Pieces.Count; i++)
        {
            if (i > 0 && reply.PieceDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.PieceDelay, token);
            }
            if (i > 0 && reply.PieceGate is { } gate)
            {
                await gate.WaitAsync(token);
            }
            // One write per chunk, from a pooled array: a relay's allocation test counts this process's bytes too.
            var piece = reply.Pieces[i];
            var chunk = ArrayPool<byte>.Shared.Rent(piece.Length + 16);
            var length = FrameChunk(piece, chunk);
            await stream.WriteAsync(chunk.AsMemory(0, length), token);
            await stream.FlushAsync(token);
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (reply.Cut)
        {
            return false; // Closing now leaves the chunked body unfinished.
        }
        if (reply.Hold)
        {
            var probe = new byte[1];
            while (await stream.ReadAsync(probe, token) > 0)
            {
            }
            _clientClosed.TrySetResult(DateTime.UtcNow);
            return false;
        }
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), token);
        await stream.FlushAsync(token);
        return true;
    }

    /// <summary>Every piece as an HTTP chunk and then the last chunk, from one pooled array in one write.</summary>
    private static async Task WriteAllChunksAsync(NetworkStream stream, IReadOnlyList<byte[]> pieces, CancellationToken token)
    {
        var body = ArrayPool<byte>.Shared.Rent(pieces.Sum(p => p.Length + 16) + 5);
        var length = 0;
        foreach (var piece in pieces)
        {
            length += FrameChunk(piece, body.AsSpan(length));
        }
        "0\r\n\r\n"u8.CopyTo(body.AsSpan(length));
        await stream.WriteAsync(body.AsMemory(0, length + 5), token);
        await stream.FlushAsync(token);
        ArrayPool<byte>.Shared.Return(body);
    }

    /// <summary>One HTTP chunk (RFC 9112 §7.1): size in hex, CRLF, data, CRLF; returns its length.</summary>
    private static int FrameChunk(byte[] piece, Span<byte> into)
    {
        piece.Length.TryFormat(into, out var length, "x", CultureInfo.InvariantCulture);
        "\r\n"u8.CopyTo(into[length..]);
        length += 2;
        piece.CopyTo(into[length..]);
        length += piece.Length;
        "\r\n"u8.CopyTo(into[length..]);
        return length + 2;
    }

    /// <summary>Reads requests (head plus Content-Length body) off one connection.</summary>
    private sealed class RequestBuffer(NetworkStream stream)
    {
        private readonly List<byte> _pending = [];
        private readonly byte[] _read = new byte[16 * 1024];

        public async Task<RecordedRequest?> ReadRequestAsync(CancellationToken cancellationToken)
        {
            int headEnd;
            while ((headEnd = IndexOfHeadEnd()) < 0)
            {
                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
            var head = Encoding.ASCII.GetString([.. _pending.GetRange(0, headEnd)]);
            _pending.RemoveRange(0, headEnd + 4);
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = lines.Skip(1)
                .Select(line => line.Split(':', 2))
                .Select(parts => (parts[0].Trim(), parts[1].Trim()))
                .ToList();
            var length = headers.Where(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(h => int.Parse(h.Item2, CultureInfo.InvariantCulture)).FirstOrDefault();
            while (_pending.Count < length)
            {
                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
            var body = Encoding.UTF8.GetString([.. _pending.GetRange(0, length)]);
            _pending.RemoveRange(0, length);
            return new RecordedRequest(requestLine[0], requestLine[1], headers, body);
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            var read = await stream.ReadAsync(_read, cancellationToken);
            _pending.AddRange(_read.AsSpan(0, read));
            return read > 0;
        }

        private int IndexOfHeadEnd()
        {
            for (var i = 0; i + 3 < _pending.Count; i++)
            {
                if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
