using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Gateway.Server.Sse;

/// <summary>Reads Server-Sent Events from an upstream response body, one event at a time, straight from its read buffer.</summary>
/// <remarks>
/// Follows WHATWG HTML §9.2.6 "Interpreting an event stream": lines end in CRLF, LF or a lone CR; a line
/// starting with ':' is a comment; <c>event</c> sets the type; <c>data</c> lines are joined with '\n'; one
/// space after the colon is dropped; a blank line dispatches the event, unless it has no data. <c>id</c> and
/// <c>retry</c> are ignored (we never reconnect). Bytes may arrive split anywhere, also inside a field name or
/// a UTF-8 sequence: nothing is interpreted until its whole line is buffered, and data stays bytes.
/// One deliberate deviation: an event still pending when the body ends is dispatched rather than dropped,
/// because some OpenAI-compatible servers close right after their last <c>data:</c> line.
/// Invariant: <see cref="EventType"/> and <see cref="Data"/> are valid only until the next read.
/// </remarks>
internal sealed class SseReader : IAsyncDisposable
{
    private const byte ByteLf = (byte)'\n';
    private const byte ByteCr = (byte)'\r';

    private readonly PipeReader _reader;
    private readonly int _maxEventBytes;
    private readonly ArrayBufferWriter<byte> _data = new(4096);
    private readonly ArrayBufferWriter<byte> _type = new(32);
    private readonly Action? _onBytes;

    /// <summary>The event's only data line, still in the read buffer (not yet consumed); empty once it was copied to <see cref="_data"/>.</summary>
    private ReadOnlyMemory<byte> _dataInBuffer;
    private bool _inBuffer;
    private bool _hasData;
    private SequencePosition? _consumeOnNextRead;
    private bool _eventReady;
    private bool _skipLeadingLf;
    private bool _completed;

    /// <param name="onBytes">Called on every read that brought bytes (the caller's first-byte and silence timeouts).</param>
    public SseReader(PipeReader reader, int maxEventBytes, Action? onBytes = null)
    {
        _reader = reader;
        _maxEventBytes = maxEventBytes;
        _onBytes = onBytes;
    }

    /// <summary>Whether any byte of the body has arrived (a timeout after that was a silence, not a missing answer).</summary>
    public bool ReceivedAny { get; private set; }

    /// <summary>The dispatched event's type; empty when the stream named none.</summary>
    public ReadOnlySpan<byte> EventType => _type.WrittenSpan;

    /// <summary>The dispatched event's data lines, joined with '\n' (no trailing newline); a lone line is read where it lies in the read buffer.</summary>
    public ReadOnlySpan<byte> Data => _inBuffer ? _dataInBuffer.Span : _data.WrittenSpan[..^1];

    /// <summary>Reads until the next event is dispatched; false when the body ended first.</summary>
    /// <remarks>Completes synchronously while the last read's bytes hold whole events; its state machine is pooled, so a read that waits allocates nothing either.</remarks>
    /// <exception cref="InvalidDataException">A line or event exceeds the size limit.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadEventAsync(CancellationToken cancellationToken)
    {
        if (_eventReady)
        {
            _eventReady = false;
            _data.Clear();
            _type.Clear();
            _inBuffer = false;
            _hasData = false;
        }
        ConsumeDispatched();
        while (!_completed)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                ReceivedAny = true;
                _onBytes?.Invoke();
            }

            var dispatched = ParseLines(ref buffer, result.IsCompleted);
            if (dispatched)
            {
                // Consumed (and examined) only up to here when the next read starts: the data may lie in the buffer, and
                // the rest may already hold whole events, so the next read must not wait.
                _consumeOnNextRead = buffer.Start;
                return true;
            }
            // The buffer is given back: a pending data line leaves it first.
            CopyDataOut();
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                _completed = true;
                break;
            }
            if (buffer.Length > _maxEventBytes)
            {
                throw new InvalidDataException($"an event line longer than {_maxEventBytes} bytes");
            }
        }
        // End of body: dispatch what is pending (see remarks) once.
        if (_hasData)
        {
            _eventReady = true;
            return true;
        }
        return false;
    }

    /// <summary>Reads and discards the rest of the body, so the connection can go back to the pool.</summary>
    /// <returns>True when the body ended within <paramref name="maxBytes"/>.</returns>
    public async ValueTask<bool> DrainAsync(long maxBytes, CancellationToken cancellationToken)
    {
        _inBuffer = false;
        ConsumeDispatched();
        long seen = 0;
        while (!_completed && seen <= maxBytes)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            seen += result.Buffer.Length;
            _reader.AdvanceTo(result.Buffer.End);
            _completed = result.IsCompleted;
        }
        return _completed;
    }

    public ValueTask DisposeAsync() => _reader.CompleteAsync();

    /// <summary>Consumes the last dispatched event (PipeReader: every read is followed by one AdvanceTo before the next).</summary>
    private void ConsumeDispatched()
    {
        if (_consumeOnNextRead is { } consumed)
        {
            _consumeOnNextRead = null;
            _reader.AdvanceTo(consumed);
        }
    }

    private void CopyDataOut()
    {
        if (_inBuffer)
        {
            _inBuffer = false;
            _data.Write(_dataInBuffer.Span);
            _data.Write("\n"u8);
        }
    }

    private bool ParseLines(ref ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        var reader = new SequenceReader<byte>(buffer);
        var dispatched = false;
        while (!dispatched)
        {
            if (_skipLeadingLf)
            {
                // The previous line ended in CR; an LF right after it belongs to the same line end.
                if (reader.End)
                {
                    break;
                }
                reader.IsNext(ByteLf, advancePast: true);
                _skipLeadingLf = false;
            }
            if (reader.TryReadToAny(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: false))
            {
                reader.TryRead(out var delimiter);
                _skipLeadingLf = delimiter == ByteCr;
                dispatched = ProcessLine(line);
            }
            else
            {
                if (isCompleted && !reader.End)
                {
                    // A last line without its line end (see remarks).
                    ProcessLine(reader.UnreadSequence);
                    reader.AdvanceToEnd();
                }
                break;
            }
        }
        buffer = buffer.Slice(reader.Position);
        return dispatched;
    }

    /// <returns>True when the line dispatched an event.</returns>
    private bool ProcessLine(in ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            if (!_hasData)
            {
                _type.Clear();
                return false;
            }
            _eventReady = true;
            return true;
        }
        if (line.FirstSpan[0] == (byte)':')
        {
            return false; // A comment, e.g. ": ping" or OpenRouter's ": OPENROUTER PROCESSING".
        }
        if (line.Length > _maxEventBytes)
        {
            throw new InvalidDataException($"an event line longer than {_maxEventBytes} bytes");
        }

        byte[]? rented = null;
        var span = line.IsSingleSegment ? line.FirstSpan : CopyToRental(line, out rented);
        try
        {
            var colon = span.IndexOf((byte)':');
            var name = colon < 0 ? span : span[..colon];
            var value = colon < 0 ? [] : span[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
            if (name.SequenceEqual("data"u8))
            {
                if (!_hasData && rented is null)
                {
                    // The usual event: one data line, left where it is.
                    _hasData = true;
                    _inBuffer = true;
                    _dataInBuffer = line.First[(span.Length - value.Length)..];
                    return false;
                }
                CopyDataOut();
                if (_data.WrittenCount + value.Length + 1 > _maxEventBytes)
                {
                    throw new InvalidDataException($"an event larger than {_maxEventBytes} bytes");
                }
                _hasData = true;
                _data.Write(value);
                _data.Write("\n"u8);
            }
            else if (name.SequenceEqual("event"u8))
            {
                _type.Clear();
                _type.Write(value);
            }
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> CopyToRental(in ReadOnlySequence<byte> line, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        line.CopyTo(rented);
        return rented.AsSpan(0, (int)line.Length);
    }
}
