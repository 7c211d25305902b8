using System.IO.Pipelines;

namespace Gateway.Server.Http;

internal sealed partial class HttpConnection
{
    private long _deadline = long.MaxValue;
    private DeadlineKind _deadlineKind;
    private int _expired;
    private long _flushStartedAt;

    private enum DeadlineKind
    {
        None,
        KeepAlive,
        Headers,
        Body,
    }

    /// <summary>Called by the heartbeat; when the current deadline has passed, wakes the pending read to act on it.</summary>
    /// <remarks>No timer per read: one heartbeat walks every connection (STYLE §18), and a read learns of
    /// its timeout as a cancelled <c>ReadAsync</c> result, which it then claims with <see cref="TakeTimeout"/>.</remarks>
    public void OnHeartbeat(long nowMilliseconds)
    {
        if (nowMilliseconds >= Volatile.Read(ref _deadline))
        {
            Volatile.Write(ref _deadline, long.MaxValue);
            Volatile.Write(ref _expired, (int)_deadlineKind);
            _input.CancelPendingRead();
        }

        var flushStartedAt = Volatile.Read(ref _flushStartedAt);
        if (flushStartedAt != 0 && nowMilliseconds - flushStartedAt >= (long)_options.WriteTimeout.TotalMilliseconds)
        {
            _log.Debug("Aborting a connection whose client stopped reading.");
            Abort();
        }
        Volatile.Read(ref _heartbeatSubscriber)?.OnHeartbeat(nowMilliseconds);
    }

    /// <summary>
    /// Flushes the output; a flush that waits (the client is not reading and the send buffer is full)
    /// is timed by the heartbeat, so a stalled client cannot hold a stream and its session forever.
    /// </summary>
    private ValueTask<FlushResult> FlushAsync()
    {
        var flush = _output.FlushAsync();
        return flush.IsCompleted ? flush : TimedFlushAsync(flush);
    }

    private async ValueTask<FlushResult> TimedFlushAsync(ValueTask<FlushResult> flush)
    {
        Volatile.Write(ref _flushStartedAt, Environment.TickCount64);
        try
        {
            return await flush.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _flushStartedAt, 0);
        }
    }

    private void SetDeadline(DeadlineKind kind, TimeSpan timeout)
    {
        Volatile.Write(ref _expired, (int)DeadlineKind.None);
        _deadlineKind = kind;
        Volatile.Write(ref _deadline, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
    }

    private void ClearDeadline() => Volatile.Write(ref _deadline, long.MaxValue);

    /// <summary>Which deadline expired since the last call, if any.</summary>
    private DeadlineKind TakeTimeout() => (DeadlineKind)Interlocked.Exchange(ref _expired, (int)DeadlineKind.None);
}
