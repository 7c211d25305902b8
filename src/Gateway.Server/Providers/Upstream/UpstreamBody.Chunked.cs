using System.Buffers;
using System.IO.Pipelines;
using Gateway.Server.Http;

namespace Gateway.Server.Providers.Upstream;

internal sealed partial class UpstreamBody : IBodySink
{
    /// <summary>
    /// Input decoded per read at most. The input of a stream whose client is behind fills up to its pipe's pause
    /// (256 KiB); decoded at once, that backlog grew a 512 KiB array per stream, which the shared pool kept long after
    /// the streams ended (perf/README.md scenario 8). The backlog waits in the input's blocks instead.
    /// </summary>
    public const int DecodeWindowBytes = 16 * 1024;

    private byte[] _decoded = [];
    private int _start;
    private int _end;
    private bool _decodedExamined;

    /// <summary>Chunk data from the decoder: appended after what the reader still holds.</summary>
    public void Append(in ReadOnlySequence<byte> bytes)
    {
        var count = (int)bytes.Length;
        if (_end + count > _decoded.Length)
        {
            MakeRoom(count);
        }
        bytes.CopyTo(_decoded.AsSpan(_end));
        _end += count;
        _decodedExamined = false;
    }

    /// <summary>What was decoded and not yet examined, or the end of the body.</summary>
    private bool TryReadDecoded(out ReadResult result)
    {
        var ready = (_end > _start && !_decodedExamined) || _inputDone;
        result = ready ? Result(new ReadOnlySequence<byte>(_decoded, _start, _end - _start), canceled: false) : default;
        return ready;
    }

    /// <summary>Decodes up to <see cref="DecodeWindowBytes"/> of the input; true when that added body bytes, ended the body, or left input to decode.</summary>
    /// <exception cref="IOException">The chunked framing is malformed.</exception>
    private bool Decode(ReadResult input)
    {
        var buffer = input.Buffer;
        var window = buffer.Length > DecodeWindowBytes ? buffer.Slice(0, DecodeWindowBytes) : buffer;
        var reader = new SequenceReader<byte>(window);
        var before = _end;
        try
        {
            _inputDone = _decoder.TryDecode(ref reader, this, MaxTrailerCount, MaxTrailerBytes);
            if (reader.Consumed == 0 && window.Length < buffer.Length)
            {
                // A trailer line longer than the window (a size line is 4 KiB at most): all of the input, else the next read finds the same window.
                reader = new SequenceReader<byte>(window = buffer);
                _inputDone = _decoder.TryDecode(ref reader, this, MaxTrailerCount, MaxTrailerBytes);
            }
        }
        catch (BadHttpRequestException e)
        {
            _input.AdvanceTo(buffer.Start, buffer.End);
            throw new IOException($"The response's chunked body is malformed ({e.Reason}).");
        }
        // Bytes after the body belong to no response: leaving them unexamined would let a stale pooled read see them.
        _input.AdvanceTo(reader.Position, _inputDone ? reader.Position : window.End);
        return _inputDone || _end > before || window.Length < buffer.Length;
    }

    private void AdvanceDecoded(int consumed, bool examinedAll)
    {
        _start += consumed;
        _decodedExamined = examinedAll;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private void MakeRoom(int count)
    {
        var held = _end - _start;
        var target = _decoded;
        if (held + count > _decoded.Length)
        {
            target = ArrayPool<byte>.Shared.Rent(Math.Max(held + count, Math.Max(4096, 2 * _decoded.Length)));
        }
        _decoded.AsSpan(_start, held).CopyTo(target);
        if (target != _decoded)
        {
            ReturnDecoded();
            _decoded = target;
        }
        _start = 0;
        _end = held;
    }

    /// <summary>Gives the decoded buffer back to the pool: an idle connection holds none.</summary>
    private void ReturnDecoded()
    {
        if (_decoded.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_decoded);
            _decoded = [];
        }
        _start = _end = 0;
        _decodedExamined = false;
    }
}
