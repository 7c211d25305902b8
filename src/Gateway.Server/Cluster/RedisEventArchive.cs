using System.Buffers;
using Gateway.Server.Sse;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// A resumable session's events appended to its Redis Stream (<see cref="ClusterKeys.Events"/>): what the log flushed
/// until the <see cref="EventShipper"/>'s next pipeline becomes one entry, whose id <c>n-0</c> is the id of its last event
/// (so the entries after a Last-Event-ID hold every event after it); the last entry, <c>n-1</c>, also marks the end (SPEC §9).
/// </summary>
/// <remarks>
/// Entries per span rather than per event, the registration with the first, and one pipeline for all sessions: a Redis
/// command per event, then a pipeline per session, cost more CPU than the session itself (perf scenario 16). Writes are
/// fire-and-forget; while Redis is away they are dropped: the session and its local readers go on, and readers
/// elsewhere get 503 until it is back (docs/deploy.md).
/// </remarks>
internal sealed class RedisEventArchive(
    EventShipper shipper, string sessionId, SessionRegistration registration, ResumeOptions resume, TimeSpan timeToLive, Action ended,
    Func<ValueTask<bool>> readElsewhere)
    : IEventArchive
{
    /// <summary>The entry's one field: its events' frames, each with its id line first.</summary>
    public static readonly RedisValue FramesField = "f";

    private readonly RedisKey _key = ClusterKeys.Events(sessionId);
    private readonly Lock _gate = new();
    private ArrayBufferWriter<byte>? _pending;
    private long _pendingLast;
    private long? _end;
    private bool _queued;

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
            if (_pendingLast != 0)
            {
                Queue();
            }
        }
    }

    public void Complete(long lastId)
    {
        // Kept for the grace without the heartbeat: a reader anywhere finds the ended session, and its owner's key, until then.
        ended();
        lock (_gate)
        {
            _end = lastId;
            Queue();
        }
    }

    public ValueTask<bool> IsReadElsewhereAsync() => readElsewhere();

    /// <summary>Under the lock: at most once in the shipper's queue until it drains this archive.</summary>
    private void Queue()
    {
        if (!_queued)
        {
            _queued = true;
            shipper.Enqueue(this);
        }
    }

    /// <summary>By the shipper: adds what is pending to <paramref name="pipeline"/>, or drops it when Redis is away (null).</summary>
    public void Drain(IBatch? pipeline)
    {
        lock (_gate)
        {
            _queued = false;
            if (pipeline is not null)
            {
                Append(pipeline);
            }
            _pending?.ResetWrittenCount();
            _pendingLast = 0;
        }
    }

    private void Append(IBatch pipeline)
    {
        if (_end is { } lastId)
        {
            // The last entry: what is left of the events (perhaps nothing) under the end's id, n-1 after event n's n-0.
            _ = pipeline.StringSetAsync(ClusterKeys.Session(sessionId), registration.Value, resume.Grace, flags: CommandFlags.FireAndForget);
            AddEntry(pipeline, $"{lastId}-1");
            _ = pipeline.KeyExpireAsync(_key, resume.Grace, CommandFlags.FireAndForget);
            return;
        }
        if (!registration.Written)
        {
            _ = pipeline.StringSetAsync(ClusterKeys.Session(sessionId), registration.Value, timeToLive, flags: CommandFlags.FireAndForget);
            registration.Written = true;
        }
        AddEntry(pipeline, $"{_pendingLast}-0");
        // A dead owner's stream goes too: its registration's TTL, then the grace a reader had to read it.
        _ = pipeline.KeyExpireAsync(_key, timeToLive + resume.Grace, CommandFlags.FireAndForget);
    }

    private void AddEntry(IBatch pipeline, string entryId)
    {
        var frames = _pendingLast == 0 ? RedisValue.EmptyString : (RedisValue)_pending!.WrittenSpan.ToArray();
        _ = pipeline.StreamAddAsync(_key, FramesField, frames, entryId, resume.BufferEvents, useApproximateMaxLength: true, flags: CommandFlags.FireAndForget);
    }
}
