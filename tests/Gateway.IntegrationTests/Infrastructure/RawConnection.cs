using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A plain TCP client that writes raw request bytes and reads raw response bytes, every wait bounded.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    /// <summary>The longest any single read waits before the test fails.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawConnection(Socket socket) => _socket = socket;

    public static async Task<RawConnection> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawConnection(socket);
    }

    /// <summary>This client's address and port, as the server sees them.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Sends each piece as its own write, flushed, so the server sees the bytes split there.</summary>
    public async Task SendInPiecesAsync(string text, int pieceLength)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        for (var offset = 0; offset < bytes.Length; offset += pieceLength)
        {
            await SendAsync(bytes[offset..Math.Min(bytes.Length, offset + pieceLength)]);
        }
    }

    /// <summary>Half-closes: tells the server this client sends nothing more.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads one response: status line, headers, and a Content-Length body (none for HEAD or 1xx).</summary>
    public async Task<RawResponse> ReadResponseAsync(bool headRequest = false)
    {
        var head = await ReadUntilAsync("\r\n\r\n"u8.ToArray());
        var response = RawResponse.ParseHead(head);
        var length = headRequest || response.StatusCode < 200 ? 0 : (int)(response.ContentLength ?? 0);
        return response with { Body = Encoding.UTF8.GetString(await ReadExactlyAsync(length)) };
    }

    /// <summary>Reads one response with its whole body: a chunked one (a stream) de-chunked, to its last chunk.</summary>
    public async Task<RawResponse> ReadWholeResponseAsync()
    {
        var response = await ReadResponseAsync();
        if (response.Header("Transfer-Encoding") != "chunked")
        {
            return response;
        }
        var body = new List<byte>();
        while (await ReadChunkAsync() is { Length: > 0 } chunk)
        {
            body.AddRange(chunk);
        }
        return response with { Body = Encoding.UTF8.GetString(body.ToArray()) };
    }

    /// <summary>Reads one chunk of a chunked body (RFC 9112 §7.1); empty for the last chunk, whose trailer section is consumed too.</summary>
    public async Task<byte[]> ReadChunkAsync()
    {
        var sizeLine = Encoding.ASCII.GetString(await ReadUntilAsync("\r\n"u8.ToArray()))[..^2];
        var size = Convert.ToInt32(sizeLine.Split(';')[0], 16);
        if (size == 0)
        {
            Assert.Equal("\r\n", Encoding.ASCII.GetString(await ReadUntilAsync("\r\n"u8.ToArray())));
            return [];
        }
        var data = await ReadExactlyAsync(size);
        Assert.Equal("\r\n", Encoding.ASCII.GetString(await ReadExactlyAsync(2)));
        return data;
    }

    /// <summary>Reads until the server closes its side; returns everything read.</summary>
    public async Task<string> ReadToEndAsync()
    {
        var all = new List<byte>(_buffer.AsSpan(_start, _end - _start).ToArray());
        _start = _end = 0;
        while (await ReceiveAsync() is > 0 and var count)
        {
            all.AddRange(_buffer.AsSpan(0, count).ToArray());
        }
        return Encoding.UTF8.GetString(all.ToArray());
    }

    /// <summary>True when the server has closed the connection and nothing more is buffered.</summary>
    public async Task<bool> IsClosedByServerAsync() => _end == _start && await ReceiveAsync() == 0;

    private async Task<byte[]> ReadUntilAsync(byte[] delimiter)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf(delimiter);
            if (index >= 0)
            {
                var result = _buffer.AsSpan(_start, index + delimiter.Length).ToArray();
                _start += index + delimiter.Length;
                return result;
            }
            Compact();
            var count = await ReceiveIntoAsync(_buffer.AsMemory(_end));
            if (count == 0)
            {
                throw new EndOfStreamException($"Connection closed before the delimiter; received: {Encoding.UTF8.GetString(_buffer, _start, _end - _start)}");
            }
            _end += count;
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int length)
    {
        var result = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            if (_end > _start)
            {
                var take = Math.Min(length - filled, _end - _start);
                _buffer.AsSpan(_start, take).CopyTo(result.AsSpan(filled));
                _start += take;
                filled += take;
                continue;
            }
            _start = _end = 0;
            var count = await ReceiveIntoAsync(_buffer);
            if (count == 0)
            {
                throw new EndOfStreamException($"Connection closed after {filled} of {length} body bytes.");
            }
            _end = count;
        }
        return result;
    }

    private void Compact()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }

    private Task<int> ReceiveAsync()
    {
        _start = _end = 0;
        return ReceiveIntoAsync(_buffer);
    }

    private async Task<int> ReceiveIntoAsync(Memory<byte> memory)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            return await _socket.ReceiveAsync(memory, SocketFlags.None, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No bytes from the server within {ReadTimeout.TotalSeconds} s.");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
