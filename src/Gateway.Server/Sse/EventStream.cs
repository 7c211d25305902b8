using System.Buffers;
using System.Runtime.CompilerServices;
using Gateway.Server.Primitives;

namespace Gateway.Server.Sse;

/// <summary>One response's Server-Sent Events: the frames of /chat and of /v1 go through here to the client.</summary>
/// <remarks>
/// Writers serialize frames into one pending buffer under a short lock and then flush; whoever flushes first sends
/// the batch itself, in its own continuation (no pump task, no timer per stream), and keeps sending until nothing is
/// pending, so what other writers add meanwhile leaves with the next write. Past <see cref="StreamBatch.MaxBytes"/>
/// pending a writer waits for the sender to take the batch, so a slow client slows its agents instead of growing
/// memory. The pending buffer is rented on the first write and returned after its send: an idle stream holds none.
/// Pings come from the server's heartbeat (<see cref="OnHeartbeat"/>): <c>: ping</c> after the ping interval with
/// nothing sent (SPEC §5; WHATWG HTML §9.2.6 lets clients ignore comment lines), or the API's own ping event.
/// </remarks>
internal sealed class EventStream : IHeartbeatSubscriber, IEventSink
{
    private static readonly byte[] s_commentPing = ": ping\n\n"u8.ToArray();

    private readonly Lock _gate = new();
    private readonly PooledBufferWriter _pending = new();
    private readonly IHttpExchange _exchange;
    private readonly CancellationTokenSource _session;
    private readonly long _pingMilliseconds;
    private readonly byte[] _ping;
    private IStreamOpening? _opening;
    private TaskCompletionSource? _drained;
    private TaskCompletionSource? _idle;
    private long _lastSentAt;
    private bool _sending;
    private bool _completed;
    private bool _writeFailed;

    /// <param name="session">Cancelled when the client can no longer be written to.</param>
    /// <param name="pingInterval">Idle time before a ping; zero for none.</param>
    /// <param name="ping">The ping's bytes: a <c>: ping</c> comment unless the stream's API has a ping event of its own.</param>
    public EventStream(IHttpExchange exchange, CancellationTokenSource session, TimeSpan pingInterval = default, byte[]? ping = null)
    {
        _exchange = exchange;
        _session = session;
        _pingMilliseconds = (long)pingInterval.TotalMilliseconds;
        _ping = ping ?? s_commentPing;
        _lastSentAt = Environment.TickCount64;
    }

    /// <summary>The exchange the stream is the response of (for a response given instead, before the stream opened).</summary>
    public IHttpExchange Exchange => _exchange;

    /// <summary>Whether the client left or stopped taking events (the write timeout cut it off).</summary>
    public bool ClientGone => _writeFailed || _exchange.RequestAborted.IsCancellationRequested;

    /// <summary>Whether the response head has been sent.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Sends the stream's head and starts taking the heartbeat's pings.</summary>
    public void Open()
    {
        lock (_gate)
        {
            OpenCore();
        }
    }

    /// <summary>
    /// Lets the heartbeat send the head, <paramref name="opening"/>'s frames and a ping when nothing opened the stream within
    /// the ping interval, so a client waiting long for a first event (a local model reading a long prompt) sees the
    /// stream alive; until then a failure can still be answered with its own status (<see cref="TryAbandonUnopened"/>).
    /// </summary>
    public void OpenWhenSilent(IStreamOpening opening)
    {
        if (_pingMilliseconds > 0)
        {
            _opening = opening;
            _exchange.SubscribeHeartbeat(this);
        }
    }

    /// <summary>Takes no more events if the stream has not opened, so its exchange can be answered otherwise; false once it is open.</summary>
    public bool TryAbandonUnopened()
    {
        lock (_gate)
        {
            if (IsOpen)
            {
                return false;
            }
            _completed = true;
        }
        _exchange.SubscribeHeartbeat(null);
        return true;
    }

    /// <summary>Whether the pending frames have reached <see cref="StreamBatch.MaxBytes"/>; read without the lock, as a hint.</summary>
    public bool IsBehind => _pending.WrittenCount >= StreamBatch.MaxBytes;

    /// <summary>Queues one event's frame; <see cref="FlushAsync"/> sends it. Events after <see cref="CompleteAsync"/> are dropped.</summary>
    public void Write<T>(in T frame) where T : struct, ISseFrame
    {
        lock (_gate)
        {
            if (!_completed)
            {
                frame.WriteSseFrame(_pending);
            }
        }
    }

    /// <summary>The pending buffer for a writer that writes its frames itself (the /v1 chunks), under the stream's lock until disposed.</summary>
    public FrameScope BeginFrames() => new(_gate.EnterScope(), _pending);

    /// <summary><see cref="BeginFrames()"/>, first sending the head if the stream is not open yet.</summary>
    /// <param name="opened">Whether this call opened it, so the writer writes its API's opening frames first.</param>
    public FrameScope BeginFrames(out bool opened)
    {
        var scope = _gate.EnterScope();
        opened = !IsOpen;
        if (opened)
        {
            OpenCore();
        }
        return new FrameScope(scope, _pending);
    }

    /// <summary>
    /// Sends what is pending unless a send is already under way (its sender takes these bytes with the next write);
    /// then waits only while the pending buffer is over its bound.
    /// </summary>
    /// <exception cref="OperationCanceledException">The session has ended: a producer that never waits learns of it here.</exception>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        Task drained;
        lock (_gate)
        {
            if (_writeFailed)
            {
                _pending.Release(); // Frames written after the client left.
                return ValueTask.CompletedTask;
            }
            if (!_sending)
            {
                if (_pending.WrittenCount == 0)
                {
                    return ValueTask.CompletedTask;
                }
                _sending = true;
                return SendPendingAsync();
            }
            if (_pending.WrittenCount < StreamBatch.MaxBytes)
            {
                return ValueTask.CompletedTask;
            }
            drained = (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        return new ValueTask(drained.WaitAsync(cancellationToken));
    }

    /// <summary>Sends the head now, with what is pending: a stream whose first event may be long in coming (a resumed one) shows the client it is open.</summary>
    public ValueTask SendHeadAsync()
    {
        lock (_gate)
        {
            if (_sending)
            {
                return ValueTask.CompletedTask; // The sender's write carries the head.
            }
            _sending = true;
        }
        return SendHeadCoreAsync();
    }

    private async ValueTask SendHeadCoreAsync()
    {
        // False: the client left already, or it asked for the head alone (a HEAD), so the stream ends now.
        if (_pending.WrittenCount == 0 && !await _exchange.WriteStreamAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false))
        {
            await StopWritingAsync().ConfigureAwait(false);
        }
        await SendPendingAsync().ConfigureAwait(false);
    }

    /// <summary>Sends what is pending and takes no more; returns once no send is under way, so the exchange can end.</summary>
    public async ValueTask CompleteAsync()
    {
        Task? idle = null;
        lock (_gate)
        {
            _completed = true;
            if (_sending)
            {
                idle = (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
        if (idle is not null)
        {
            await idle.ConfigureAwait(false);
        }
        else
        {
            await FlushAsync().ConfigureAwait(false);
        }
        _exchange.SubscribeHeartbeat(null);
        lock (_gate)
        {
            _pending.Release();
        }
    }

    /// <summary>Called by the server's heartbeat: a stream with nothing sent for the ping interval sends a ping.</summary>
    public void OnHeartbeat(long nowMilliseconds)
    {
        lock (_gate)
        {
            if (_sending || _completed || nowMilliseconds - Volatile.Read(ref _lastSentAt) < _pingMilliseconds)
            {
                return;
            }
            if (!IsOpen)
            {
                // Only a stream that asked for it (OpenWhenSilent) is visited before it opens.
                OpenCore();
                _opening!.WriteOpening(_pending);
            }
            _pending.Write(_ping);
            _sending = true;
        }
        _ = SendPendingAsync().AsTask();
    }

    /// <summary>Under the lock: the head, and the heartbeat's visits for pings.</summary>
    private void OpenCore()
    {
        _exchange.StartStream(EventStreamHead.ContentType, EventStreamHead.HeaderLines);
        IsOpen = true;
        _lastSentAt = Environment.TickCount64;
        if (_pingMilliseconds > 0)
        {
            _exchange.SubscribeHeartbeat(this);
        }
    }

    /// <summary>Sends batches until nothing is pending; the only writer of the exchange while <see cref="_sending"/> is set.</summary>
    /// <remarks>Its state machine is pooled: a send that waits for the socket allocates nothing.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendPendingAsync()
    {
        while (true)
        {
            byte[] batch;
            int length;
            TaskCompletionSource? drained, idle = null;
            lock (_gate)
            {
                (batch, length) = _pending.Detach();
                drained = _drained;
                _drained = null;
                if (length == 0)
                {
                    _sending = false;
                    idle = _idle;
                    _idle = null;
                }
            }
            drained?.TrySetResult();
            if (length == 0)
            {
                idle?.TrySetResult();
                return;
            }
            bool delivered;
            try
            {
                delivered = await _exchange.WriteStreamAsync(batch.AsMemory(0, length)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
                delivered = false; // The connection was torn down under the write.
            }
            finally
            {
                PooledBufferWriter.Return(batch);
            }
            Volatile.Write(ref _lastSentAt, Environment.TickCount64);
            if (!delivered)
            {
                await StopWritingAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The client is gone (or takes no body: a HEAD): the session ends, and what its agents still write is dropped.</summary>
    private async ValueTask StopWritingAsync()
    {
        if (_writeFailed)
        {
            return;
        }
        _writeFailed = true;
        lock (_gate)
        {
            _completed = true;
            _pending.Release();
        }
        await _session.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Frames written straight into the pending buffer, under the stream's lock.</summary>
    public ref struct FrameScope(Lock.Scope scope, IBufferWriter<byte> output)
    {
        private Lock.Scope _scope = scope;

        public readonly IBufferWriter<byte> Output => output;

        public void Dispose() => _scope.Dispose();
    }
}
