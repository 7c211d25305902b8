using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Gateway.Server.Http;

namespace Gateway.Server.Providers.Upstream;

/// <summary>One response's body read from its connection's input: bounded by Content-Length, de-chunked, or until the close.</summary>
/// <remarks>
/// Content-Length and close-delimited bodies are slices of the connection's own buffers. A chunked body is decoded by the
/// server's <see cref="ChunkedBodyDecoder"/>, a window of input at a time, into a pooled array that holds only what the
/// reader has not consumed yet.
/// One instance serves every response of its connection (<see cref="Start"/>), so a keep-alive exchange allocates none.
/// </remarks>
internal sealed partial class UpstreamBody : PipeReader
{
    // The decoder holds trailers to the limits a server puts on a request's header section.
    private const int MaxTrailerCount = 100;
    private const int MaxTrailerBytes = 32 * 1024;

    private readonly PipeReader _input;
    private BodyFraming _framing;
    private long _remaining;
    private ChunkedBodyDecoder _decoder;
    private bool _inputDone;
    private bool _cutSeen;
    private ReadOnlySequence<byte> _lastRead;
    private bool _lastReadFromInput;

    public UpstreamBody(PipeReader input) => _input = input;

    /// <summary>Whether the whole body has been taken off the connection, so another response may follow on it.</summary>
    public bool IsComplete => _inputDone;

    /// <summary>Sets up for the body of the response whose head was just read.</summary>
    public void Start(BodyFraming framing, long contentLength)
    {
        _framing = framing;
        _remaining = contentLength;
        _decoder.Reset();
        ReturnDecoded();
        _inputDone = framing == BodyFraming.None || (framing == BodyFraming.ContentLength && contentLength == 0);
        _cutSeen = false;
        _lastRead = default;
        _lastReadFromInput = false;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        switch (_framing)
        {
            case BodyFraming.Chunked:
                while (true)
                {
                    if (TryReadDecoded(out var decoded))
                    {
                        return decoded;
                    }
                    var input = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (!Decode(input))
                    {
                        // What arrived before a close is handed out first; the close fails the read that finds nothing more.
                        if (input.IsCompleted)
                        {
                            throw Premature();
                        }
                        if (input.IsCanceled)
                        {
                            return Result(new ReadOnlySequence<byte>(_decoded, _start, _end - _start), canceled: true);
                        }
                    }
                }
            case BodyFraming.ContentLength or BodyFraming.UntilClose when !_inputDone:
                return Slice(await _input.ReadAsync(cancellationToken).ConfigureAwait(false));
            default:
                return Result(default, canceled: false);
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_framing == BodyFraming.Chunked)
        {
            return TryReadDecoded(out result);
        }
        if (_inputDone || !_input.TryRead(out var input))
        {
            result = Result(default, canceled: false);
            return _inputDone;
        }
        result = Slice(input);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var taken = _lastRead.Slice(_lastRead.Start, consumed).Length;
        if (_framing == BodyFraming.Chunked)
        {
            AdvanceDecoded((int)taken, _lastRead.Slice(examined).IsEmpty);
            return;
        }
        if (!_lastReadFromInput)
        {
            return; // The empty read of a body already over: the input was not read, so it is not advanced.
        }
        if (_framing == BodyFraming.ContentLength)
        {
            _remaining -= taken;
            _inputDone = _remaining == 0;
        }
        _input.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _input.CancelPendingRead();

    /// <summary>Ends this reader's use of the body; the connection's fate is decided by the response that owns it.</summary>
    public override void Complete(Exception? exception = null) => ReturnDecoded();

    /// <summary>A Content-Length or close-delimited read, cut where the body ends.</summary>
    private ReadResult Slice(ReadResult input)
    {
        var buffer = input.Buffer;
        var ended = false;
        if (_framing == BodyFraming.ContentLength && buffer.Length >= _remaining)
        {
            buffer = buffer.Slice(0, _remaining);
            ended = true;
        }
        else if (input.IsCompleted)
        {
            // Only a close-delimited body may end with the connection (RFC 9112 §8); a cut one is handed out, then fails.
            ended = _framing == BodyFraming.UntilClose || (_cutSeen ? throw Premature() : false);
            _cutSeen = true;
        }
        _lastRead = buffer;
        _lastReadFromInput = true;
        return new ReadResult(buffer, input.IsCanceled, ended);
    }

    private ReadResult Result(ReadOnlySequence<byte> buffer, bool canceled)
    {
        _lastRead = buffer;
        _lastReadFromInput = false;
        return new ReadResult(buffer, canceled, _inputDone);
    }

    private static IOException Premature() => new("The response ended prematurely.");
}
