using System.Buffers;
using System.Text;

namespace Gateway.Server.Agents;

/// <summary>
/// Coalesces one running tool call's live output into at most one event per <c>interval</c> (SPEC §5
/// <c>tool_progress</c>: "coalesced"): the first bytes after a quiet period leave at once, later ones wait for
/// the interval since the last event. Text handed to <c>emit</c> is whole UTF-8 characters, in arrival order,
/// and one <c>emit</c> finishes before the next starts.
/// </summary>
internal sealed class ProgressCoalescer : IAsyncDisposable
{
    /// <summary>250 ms: at most four events per second per call (issue 17: "a few events per second").</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(250);

    private readonly Func<string, ValueTask> _emit;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _pending = new();
    private long _lastEmit;
    private bool _emittedOnce;
    private bool _armed;
    private bool _completed;
    private Task _sending = Task.CompletedTask;

    public ProgressCoalescer(Func<string, ValueTask> emit, TimeProvider clock, TimeSpan interval)
    {
        _emit = emit;
        _clock = clock;
        _interval = interval;
        _timer = clock.CreateTimer(static state => ((ProgressCoalescer)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Adds output; ignored after <see cref="CompleteAsync"/>. Safe from any thread.</summary>
    public void Report(ReadOnlySpan<byte> utf8)
    {
        TimeSpan due;
        lock (_gate)
        {
            if (_completed || utf8.IsEmpty)
            {
                return;
            }
            _pending.Write(utf8);
            if (_armed)
            {
                return;
            }
            _armed = true;
            var sinceLast = _emittedOnce ? _clock.GetElapsedTime(_lastEmit) : _interval;
            due = sinceLast >= _interval ? TimeSpan.Zero : _interval - sinceLast;
        }
        // Outside the lock: a timer due now may run its callback on this thread (a fake clock does).
        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Completed meanwhile (a reader still draining after the call ended): its output was flushed or is dropped.
        }
    }

    /// <summary>Sends what is left (an unfinished character as U+FFFD) and waits until every event has been emitted.</summary>
    /// <remarks>The caller emits the call's <c>tool_result</c> after this, so no progress event follows it (SPEC §5).</remarks>
    public async ValueTask CompleteAsync()
    {
        Task sending;
        lock (_gate)
        {
            if (!_completed)
            {
                _completed = true;
                SendPending(_pending.WrittenCount);
            }
            sending = _sending;
        }
        await _timer.DisposeAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => CompleteAsync();

    private void OnTimer()
    {
        lock (_gate)
        {
            _armed = false;
            if (_completed)
            {
                return;
            }
            // A character cut between two reads waits for its last bytes (a Utf8Text must be valid UTF-8).
            var written = _pending.WrittenSpan;
            var held = Rune.DecodeLastFromUtf8(written, out _, out var consumed) == OperationStatus.NeedMoreData ? consumed : 0;
            SendPending(written.Length - held);
        }
    }

    /// <summary>Under the lock: takes the first <paramref name="count"/> pending bytes and chains their emission.</summary>
    private void SendPending(int count)
    {
        if (count == 0)
        {
            return;
        }
        var written = _pending.WrittenSpan;
        var text = Encoding.UTF8.GetString(written[..count]);
        var rest = written[count..].ToArray();
        _pending.Clear();
        _pending.Write(rest);
        _lastEmit = _clock.GetTimestamp();
        _emittedOnce = true;
        _sending = SendAfterAsync(_sending, text);
    }

    private async Task SendAfterAsync(Task previous, string text)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await _emit(text).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The session is ending: progress is best effort, and the call's own end reports the failure.
        }
    }
}
