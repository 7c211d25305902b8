using System.Buffers;
using Gateway.Server.Events;
using Gateway.Server.Primitives;

namespace Gateway.Server.Sse;

/// <summary>Carries one session's events from its agents to the client as Server-Sent Events.</summary>
/// <remarks>
/// Agents serialize each event straight into a pending buffer under a short lock (no allocation per
/// event); the pump swaps buffers and sends everything that is ready as one write and one flush,
/// so events that are ready together leave together and none waits for another. The pending buffer
/// is bounded: past <see cref="MaxPendingBytes"/> a writer waits until the pump has taken the batch,
/// so a slow client slows its agents instead of growing memory. After <see cref="PingInterval"/>
/// without an event the pump sends a <c>: ping</c> comment (SPEC §5; WHATWG HTML §9.2.6 lets
/// clients ignore comment lines).
/// </remarks>
internal sealed class EventStream
{
    private static readonly ReadOnlyMemory<byte> s_ping = ": ping\n\n"u8.ToArray();

    private const int InitialBufferBytes = 4096;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _ready = new(0);
    private ArrayBufferWriter<byte> _pending = new(InitialBufferBytes);
    private ArrayBufferWriter<byte> _spare = new(InitialBufferBytes);
    private TaskCompletionSource? _drained;
    private int _signalled;
    private bool _completed;

    public int MaxPendingBytes { get; init; } = StreamBatch.MaxBytes;

    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Queues one event; waits only while the pending buffer is over its bound. Events after <see cref="Complete"/> are dropped.</summary>
    public ValueTask WriteAsync<T>(in T serverEvent, CancellationToken cancellationToken)
        where T : struct, IServerEvent
    {
        Task drained;
        lock (_gate)
        {
            if (_completed)
            {
                return ValueTask.CompletedTask;
            }
            serverEvent.WriteSseFrame(_pending);
            Signal();
            if (_pending.WrittenCount < MaxPendingBytes)
            {
                return ValueTask.CompletedTask;
            }
            drained = (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        return new ValueTask(drained.WaitAsync(cancellationToken));
    }

    /// <summary>No more events: the pump sends what is pending and stops.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Signal();
        }
    }

    /// <summary>Sends batches until <see cref="Complete"/> has been called and everything is sent, or the client is gone.</summary>
    public async Task PumpAsync(IHttpExchange exchange, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signalled = await _ready.WaitAsync(PingInterval, cancellationToken).ConfigureAwait(false);
            ArrayBufferWriter<byte> batch;
            TaskCompletionSource? drained;
            bool completed;
            lock (_gate)
            {
                _signalled = 0;
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                drained = _drained;
                _drained = null;
                completed = _completed;
            }
            drained?.TrySetResult();

            var data = batch.WrittenCount > 0 ? batch.WrittenMemory : signalled ? default : s_ping;
            var delivered = await exchange.WriteStreamAsync(data).ConfigureAwait(false);
            batch.ResetWrittenCount();
            if (!delivered || completed)
            {
                return;
            }
        }
    }

    /// <summary>Bytes held by the two buffers.</summary>
    public int RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                return _pending.Capacity + _spare.Capacity;
            }
        }
    }

    /// <summary>Makes the stream reusable by another session, with buffers no larger than a new stream's (a burst may have grown them past <see cref="MaxPendingBytes"/>).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _pending = Reused(_pending);
            _spare = Reused(_spare);
            _drained?.TrySetCanceled();
            _drained = null;
            _completed = false;
            _signalled = 0;
            while (_ready.CurrentCount > 0)
            {
                _ready.Wait(0);
            }
        }
    }

    private static ArrayBufferWriter<byte> Reused(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > InitialBufferBytes)
        {
            return new ArrayBufferWriter<byte>(InitialBufferBytes);
        }
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>Wakes the pump once per batch, however many events are written before it runs.</summary>
    private void Signal()
    {
        if (_signalled == 0)
        {
            _signalled = 1;
            _ready.Release();
        }
    }
}
