using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Gateway.MockUpstream;

/// <summary>One keep-alive HTTP/1.1 connection: reads requests (pipelined ones too), answers them in order.</summary>
/// <remarks>
/// Parses only what the mock needs (RFC 9112 §3 request line, §6.3 Content-Length and chunked framing, <c>Connection: close</c>).
/// Responses that need no delay are gathered in <see cref="_out"/> and written with one send per read, so a
/// pipelined batch costs one syscall each way. A chunked request body (RFC 9112 §7.1) is decoded in place.
/// </remarks>
public sealed class MockConnection(Socket socket, MockResponses responses, MockOptions options, MockServer server)
{
    private const int MaxBuffer = 16 << 20;
    private byte[] _in = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private byte[] _out = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;
    private int _outLength;

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            var open = true;
            while (open)
            {
                if (_end == _in.Length)
                {
                    Grow();
                }
                var n = await socket.ReceiveAsync(_in.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                _end += n;
                while (open && TryTakeRequest(out var request))
                {
                    open = await AnswerAsync(request, stop).ConfigureAwait(false);
                }
                await FlushAsync().ConfigureAwait(false);
                if (_start == _end)
                {
                    _start = _end = 0;
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or the server is stopping: nothing to answer.
        }
        finally
        {
            server.Forget(socket);
            socket.Dispose();
            ArrayPool<byte>.Shared.Return(_in);
            ArrayPool<byte>.Shared.Return(_out);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AnswerAsync(MockRequest request, CancellationToken stop)
    {
        server.CountRequest();
        if (request.Route is not (MockRoute.Chat or MockRoute.Messages or MockRoute.Responses))
        {
            Append(request.Route switch
            {
                MockRoute.Models => responses.Models,
                MockRoute.Health => responses.Health,
                MockRoute.BadRequest => responses.BadRequest,
                _ => responses.NotFound,
            });
            return request.KeepAlive;
        }
        var body = _in.AsSpan(request.BodyStart, request.BodyLength);
        var tools = request.Route == MockRoute.Chat && options.ToolCalls > 0 && RequestScanner.LastRoleIsUser(body);
        var stream = RequestScanner.IsStream(body);
        var (segments, streamWhole, answer) = request.Route switch
        {
            MockRoute.Messages => (responses.Messages.Segments, responses.Messages.StreamWhole, responses.Messages.Answer),
            MockRoute.Responses => (responses.Responses.Segments, responses.Responses.StreamWhole, responses.Responses.Answer),
            _ when tools => (responses.ToolSegments, responses.ToolWhole, responses.ToolCompletion),
            _ => (responses.TextSegments, responses.TextWhole, responses.TextCompletion),
        };
        if (options.TtfbMs == 0 && (!stream || options.GapMs == 0))
        {
            Append(stream ? streamWhole : answer);
            return request.KeepAlive;
        }
        // A delayed answer goes out after everything before it (responses stay in request order).
        await FlushAsync().ConfigureAwait(false);
        if (options.TtfbMs > 0)
        {
            await Task.Delay(options.TtfbMs, stop).ConfigureAwait(false);
        }
        if (!stream || options.GapMs == 0)
        {
            await SendAsync(stream ? streamWhole : answer).ConfigureAwait(false);
            return request.KeepAlive;
        }
        await SendAsync(segments[0]).ConfigureAwait(false);
        // One timer per stream, none per chunk (WaitForNextTickAsync reuses its awaitable): chunk i leaves at
        // ttfb + i × gap without drift; a tick missed while sending fires at once.
        using var gap = new PeriodicTimer(TimeSpan.FromMilliseconds(options.GapMs));
        for (var i = 1; i < segments.Length; i++)
        {
            await gap.WaitForNextTickAsync(stop).ConfigureAwait(false);
            await SendAsync(segments[i]).ConfigureAwait(false);
        }
        return request.KeepAlive;
    }

    private bool TryTakeRequest(out MockRequest request)
    {
        var available = _in.AsSpan(_start, _end - _start);
        if (!MockRequest.TryParse(available, out request, out var consumed))
        {
            if (_start > 0 && consumed > _in.Length - _start)
            {
                // The request is complete only past the end of the buffer: move it to the front (Grow doubles if still short).
                Buffer.BlockCopy(_in, _start, _in, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (consumed > _in.Length)
            {
                Grow(consumed);
            }
            return false;
        }
        request = request with { BodyStart = request.BodyStart + _start };
        _start += consumed;
        return true;
    }

    private void Grow(int atLeast = 0)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_in, _start, _in, 0, _end - _start);
            _end -= _start;
            _start = 0;
            if (_end < _in.Length && atLeast <= _in.Length)
            {
                return;
            }
        }
        var size = Math.Max(_in.Length * 2, atLeast);
        if (size > MaxBuffer)
        {
            throw new SocketException((int)SocketError.MessageSize);
        }
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        Buffer.BlockCopy(_in, 0, bigger, 0, _end);
        ArrayPool<byte>.Shared.Return(_in);
        _in = bigger;
    }

    private void Append(byte[] bytes)
    {
        if (_outLength + bytes.Length > _out.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_out.Length * 2, _outLength + bytes.Length));
            Buffer.BlockCopy(_out, 0, bigger, 0, _outLength);
            ArrayPool<byte>.Shared.Return(_out);
            _out = bigger;
        }
        Buffer.BlockCopy(bytes, 0, _out, _outLength, bytes.Length);
        _outLength += bytes.Length;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync()
    {
        if (_outLength > 0)
        {
            var length = _outLength;
            _outLength = 0;
            await SendAsync(_out.AsMemory(0, length)).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    // No cancellation token on socket operations: a cancellable token costs a registration per call. Stopping
    // closes the socket instead (MockServer.DisposeAsync), which fails the pending operation.
    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }
}
