using System.Buffers;
using Gateway.Server.Sse;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// A resumable session's events appended to its Redis Stream (<see cref="ClusterKeys.Events"/>): what the log flushed
/// within <see cref="Coalescing"/> becomes one entry, whose id <c>n-0</c> is the id of its last event (so the entries after
/// a Last-Event-ID hold every event after it), sent in one pipeline; the last entry, <c>n-1</c>, also marks the end (SPEC §9).
/// </summary>
/// <remarks>
/// An entry per span rather than per event, and the session's registration in its first pipeline: a Redis command per
/// event cost more CPU than the session itself (perf scenario 16), so a short session is one pipeline in all. Writes
/// are fire-and-forget, in order on the one connection; while Redis is away a batch is dropped: the session and its
/// local readers go on, and readers elsewhere get 503 until it is back (docs/deploy.md).
/// </remarks>
internal sealed class RedisEventArchive(
    IDatabase database, string sessionId, SessionRegistration registration, ResumeOptions resume, ClusterOptions options, Action ended)
    : IEventArchive
{
    /// <summary>The entry's one field: its events' frames, each with its id line first.</summary>
    public static readonly RedisValue FramesField = "f";

    /// <summary>How long flushed events wait to share an entry: also how much later than the owner's reader a reader elsewhere may see them.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(50);

    private readonly RedisKey _key = ClusterKeys.Events(sessionId);
    private readonly Lock _gate = new();
    private ArrayBufferWriter<byte>? _pending;
    private long _pendingLast;
    private ITimer? _timer;
    private bool _due;

    public void Add(long id, ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            (_pending ??= new ArrayBufferWriter<byte>(4096)).Write(frame);
            _pendingLast = id;
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            if (_pendingLast == 0 || _due)
            {
                return;
            }
            _due = true;
            if (_timer is null)
            {
                _timer = options.Clock.CreateTimer(static archive => ((RedisEventArchive)archive!).OnDue(), this, Coalescing, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(Coalescing, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Complete(long lastId)
    {
        // Kept for the grace without the heartbeat: a reader anywhere finds the ended session, and its owner's key, until then.
        ended();
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            Send(end: lastId);
        }
    }

    public async ValueTask<bool> IsReadElsewhereAsync()
    {
        try
        {
            return await database.KeyExistsAsync(ClusterKeys.Reader(sessionId)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    private void OnDue()
    {
        lock (_gate)
        {
            _due = false;
            Send(end: null);
        }
    }

    /// <summary>Under the lock, so entries reach Redis in id order (an entry id below the stream's last is refused).</summary>
    private void Send(long? end)
    {
        if (_pendingLast == 0 && end is null)
        {
            return;
        }
        try
        {
            if (database.Multiplexer.IsConnected)
            {
                Pipeline(end);
            }
        }
        catch (RedisConnectionException)
        {
        }
        finally
        {
            _pending?.ResetWrittenCount();
            _pendingLast = 0;
        }
    }

    private void Pipeline(long? end)
    {
        var pipeline = database.CreateBatch();
        if (end is { } lastId)
        {
            // The last entry: what is left of the events (perhaps nothing) under the end's id, n-1 after event n's n-0.
            _ = pipeline.StringSetAsync(ClusterKeys.Session(sessionId), registration.Value, resume.Grace, flags: CommandFlags.FireAndForget);
            Append(pipeline, $"{lastId}-1");
            _ = pipeline.KeyExpireAsync(_key, resume.Grace, CommandFlags.FireAndForget);
        }
        else
        {
            if (!registration.Written)
            {
                _ = pipeline.StringSetAsync(ClusterKeys.Session(sessionId), registration.Value, options.TimeToLive, flags: CommandFlags.FireAndForget);
                registration.Written = true;
            }
            Append(pipeline, $"{_pendingLast}-0");
            // A dead owner's stream goes too: its registration's TTL, then the grace a reader had to read it.
            _ = pipeline.KeyExpireAsync(_key, options.TimeToLive + resume.Grace, CommandFlags.FireAndForget);
        }
        pipeline.Execute();
    }

    private void Append(IBatch pipeline, string entryId)
    {
        var frames = _pendingLast == 0 ? RedisValue.EmptyString : (RedisValue)_pending!.WrittenSpan.ToArray();
        _ = pipeline.StreamAddAsync(_key, FramesField, frames, entryId, resume.BufferEvents, useApproximateMaxLength: true, flags: CommandFlags.FireAndForget);
    }
}
