using System.Buffers;
using Gateway.Server.Primitives;
using Gateway.Server.Sse;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// A resumable session's events appended to its Redis Stream (<see cref="ClusterKeys.Events"/>): what the log flushed
/// until the <see cref="EventShipper"/>'s next pipeline becomes one entry, whose id <c>n-0</c> is the id of its last event
/// (so the entries after a Last-Event-ID hold every event after it); the last entry, <c>n-1</c>, also marks the end (SPEC §9).
/// </summary>
/// <remarks>
/// Entries per span rather than per event, the registration with the first, one pipeline for all sessions, and the frames
/// in a pooled array: a Redis command per event, then a pipeline per session, cost more CPU than the session itself, and
/// a fresh array per session that lived until the pipeline was most of what remained (perf scenario 16; the collector
/// moved it). While Redis is away the entries are dropped: the session and its local readers go on, and readers
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
    private readonly RedisKey _registrationKey = ClusterKeys.Session(sessionId);
    private readonly Lock _gate = new();
    private readonly PooledBufferWriter _pending = new(EventShipper.Frames);
    private long _pendingLast;
    private long? _end;
    private bool _queued;

    public void Add(long id, ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            _pending.Write(frame);
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

    /// <summary>By the shipper: adds what is pending to <paramref name="entries"/>, or drops it when Redis is away (null).</summary>
    public void Drain(StreamEntries? entries)
    {
        lock (_gate)
        {
            _queued = false;
            if (entries is null)
            {
                _pending.Release();
            }
            else
            {
                Append(entries);
            }
            _pendingLast = 0;
        }
    }

    private void Append(StreamEntries entries)
    {
        if (_end is { } lastId)
        {
            // The last entry: what is left of the events (perhaps nothing) under the end's id, n-1 after event n's n-0.
            entries.Add(_key, _registrationKey, lastId, 1, _pending.Detach(), resume.BufferEvents, resume.Grace, registration.Value, resume.Grace);
            return;
        }
        var owner = registration.Written ? null : registration.Value;
        registration.Written = true;
        // A dead owner's stream goes too: its registration's TTL, then the grace a reader had to read it.
        entries.Add(_key, _registrationKey, _pendingLast, 0, _pending.Detach(), resume.BufferEvents, timeToLive + resume.Grace, owner, timeToLive);
    }
}
