using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Gateway.LoadGen;

/// <summary>Reading responses: the head, then the body by its framing, feeding event-stream bodies to the scanner.</summary>
public sealed partial class LoadConnection
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadResponseAsync(int index)
    {
        var receivedBefore = _received;
        ResponseHead head;
        int parsed;
        while ((parsed = ResponseHead.TryParse(_buffer.AsSpan(_start, _end - _start), out head)) == 0)
        {
            await ReceiveOrThrowAsync().ConfigureAwait(false);
        }
        if (parsed < 0)
        {
            throw new InvalidDataException("malformed response head");
        }
        Outcomes[index].Status = head.Status;
        Outcomes[index].Headers = _lastRead;
        _start += head.Length;
        var sse = scanner is not null && head.Status is >= 200 and < 300;
        scanner?.Reset();
        var reusable = !head.Close;
        if (target.IsHead || head.HasNoBody)
        {
        }
        else if (head.Chunked)
        {
            await ReadChunkedAsync(sse).ConfigureAwait(false);
        }
        else if (head.ContentLength >= 0)
        {
            await ReadFixedAsync(head.ContentLength, sse).ConfigureAwait(false);
        }
        else
        {
            await ReadFixedAsync(long.MaxValue, sse, toClose: true).ConfigureAwait(false);
            reusable = false;
        }
        ref var outcome = ref Outcomes[index];
        outcome.End = _lastRead;
        outcome.Bytes = _received - receivedBefore;
        outcome.Error = head.Status is >= 200 and < 300 ? ErrorKind.None : ErrorKind.Status;
        if (sse)
        {
            outcome.Connected = scanner!.ConnectedAt;
            outcome.FirstContent = scanner.FirstContentAt;
            outcome.Events = scanner.Events;
        }
        return reusable;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadFixedAsync(long remaining, bool sse, bool toClose = false)
    {
        while (remaining > 0)
        {
            if (_start == _end && !await ReceiveAsync().ConfigureAwait(false))
            {
                if (toClose)
                {
                    return;
                }
                throw new IOException("connection closed inside the body");
            }
            var take = (int)Math.Min(remaining, _end - _start);
            if (sse)
            {
                scanner!.Feed(_buffer.AsSpan(_start, take), _lastRead);
            }
            _start += take;
            remaining -= take;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadChunkedAsync(bool sse)
    {
        while (true)
        {
            var line = await ReadLineAsync().ConfigureAwait(false);
            var sizeText = _buffer.AsSpan(_start, line);
            var extension = sizeText.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(extension < 0 ? sizeText : sizeText[..extension], out ulong size, out var used, 'X')
                || used != (extension < 0 ? sizeText.Length : extension) || size > int.MaxValue)
            {
                throw new InvalidDataException("bad chunk size");
            }
            _start += line + 2;
            if (size == 0)
            {
                // Trailer fields, then the blank line that ends the message.
                while ((line = await ReadLineAsync().ConfigureAwait(false)) > 0)
                {
                    _start += line + 2;
                }
                _start += 2;
                return;
            }
            await ReadFixedAsync((long)size, sse).ConfigureAwait(false);
            if (await ReadLineAsync().ConfigureAwait(false) != 0)
            {
                throw new InvalidDataException("chunk data longer than its size");
            }
            _start += 2;
        }
    }

    /// <summary>Waits for a CRLF at <see cref="_start"/> or after it; returns the line's length (CRLF excluded).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadLineAsync()
    {
        int crlf;
        while ((crlf = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            if (_end - _start > 4096)
            {
                throw new InvalidDataException("line too long");
            }
            await ReceiveOrThrowAsync().ConfigureAwait(false);
        }
        return crlf;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveOrThrowAsync()
    {
        if (!await ReceiveAsync().ConfigureAwait(false))
        {
            throw new IOException("connection closed before the response ended");
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveAsync()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else if (_buffer.Length < MaxBuffer)
            {
                var bigger = GC.AllocateUninitializedArray<byte>(_buffer.Length * 2, pinned: true);
                _buffer.AsSpan(0, _end).CopyTo(bigger);
                _buffer = bigger;
            }
            else
            {
                throw new InvalidDataException("response head larger than 16 MB");
            }
        }
        var n = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
        _lastRead = Stopwatch.GetTimestamp();
        _end += n;
        _received += n;
        return n > 0;
    }
}
