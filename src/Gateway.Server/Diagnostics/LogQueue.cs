using System.Text;
using System.Threading.Tasks.Sources;

namespace Gateway.Server.Diagnostics;

/// <summary>
/// Log lines on their way to the output: callers append to a bounded buffer and one writer task swaps it out and writes
/// it, so a slow or blocked output never holds up a request. A line that does not fit is dropped and counted.
/// </summary>
/// <remarks>The writer waits on a reusable value-task source: appending and waking it allocate nothing.</remarks>
internal sealed class LogQueue : IValueTaskSource<bool>
{
    private const int FirstBufferBytes = 4096;
    private const int CharBufferLength = 8192;

    private readonly Lock _gate = new();
    private readonly TextWriter _output;
    private readonly int _capacityBytes;
    private readonly Task _writer;
    private readonly char[] _chars = new char[CharBufferLength];
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private byte[] _pending = new byte[FirstBufferBytes];
    private int _pendingLength;
    private byte[] _writing = new byte[FirstBufferBytes];
    private bool _writerWaiting;
    private bool _writerBusy;
    private bool _completed;
    private long _droppedLines;
    private TaskCompletionSource? _drained;

    /// <param name="capacityBytes">The most bytes of lines waiting at once.</param>
    public LogQueue(TextWriter output, int capacityBytes)
    {
        _output = output;
        _capacityBytes = capacityBytes;
        _writer = Task.Run(WriteLoopAsync);
    }

    public long DroppedLines => Volatile.Read(ref _droppedLines);

    /// <summary>Queues one whole line (ending in a line feed), or drops it when the queue is full.</summary>
    public void Enqueue(ReadOnlySpan<byte> line)
    {
        bool wake;
        lock (_gate)
        {
            if (_completed || line.Length > _capacityBytes - _pendingLength)
            {
                _droppedLines++;
                return;
            }
            if (line.Length > _pending.Length - _pendingLength)
            {
                Array.Resize(ref _pending, Math.Min(_capacityBytes, Math.Max(_pendingLength + line.Length, 2 * _pending.Length)));
            }
            line.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += line.Length;
            wake = _writerWaiting;
            _writerWaiting = false;
        }
        if (wake)
        {
            _wake.SetResult(true);
        }
    }

    /// <summary>Completes once every line queued before the call has been written.</summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            if (_pendingLength == 0 && !_writerBusy)
            {
                return Task.CompletedTask;
            }
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>Takes no more lines, and waits (at most <paramref name="bound"/>) for the writer to write those queued.</summary>
    public async Task CompleteAsync(TimeSpan bound)
    {
        bool wake;
        lock (_gate)
        {
            _completed = true;
            wake = _writerWaiting;
            _writerWaiting = false;
        }
        if (wake)
        {
            _wake.SetResult(true);
        }
        await _writer.WaitAsync(bound).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            int length;
            TaskCompletionSource? drained = null;
            lock (_gate)
            {
                length = _pendingLength;
                _writerBusy = length > 0;
                if (length > 0)
                {
                    (_pending, _writing) = (_writing, _pending);
                    _pendingLength = 0;
                }
                else
                {
                    (drained, _drained) = (_drained, null);
                    if (!_completed)
                    {
                        _wake.Reset();
                        _writerWaiting = true;
                    }
                }
            }
            drained?.TrySetResult();
            if (length > 0)
            {
                Write(_writing.AsSpan(0, length));
            }
            else if (Volatile.Read(ref _completed))
            {
                return;
            }
            else
            {
                await new ValueTask<bool>(this, _wake.Version).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Decodes and writes in pieces of <see cref="CharBufferLength"/>, so the writer's one char buffer never grows.</summary>
    private void Write(ReadOnlySpan<byte> lines)
    {
        try
        {
            while (!lines.IsEmpty)
            {
                _decoder.Convert(lines, _chars, flush: false, out var bytesUsed, out var charsUsed, out _);
                _output.Write(_chars, 0, charsUsed);
                lines = lines[bytesUsed..];
            }
            _output.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Standard error is gone; there is nowhere left to say so.
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);
}
