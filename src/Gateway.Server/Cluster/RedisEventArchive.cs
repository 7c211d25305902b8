using Gateway.Server.Sse;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// A resumable session's events appended to its Redis Stream (<see cref="ClusterKeys.Events"/>): one pipeline per flush of
/// the event log, never a round trip per event; entry <c>n-0</c> is event n, so Last-Event-ID maps 1:1 (SPEC §9).
/// </summary>
/// <remarks>
/// Writes are fire-and-forget, in order on the one connection. While Redis is away a batch is dropped: the session and its
/// local readers go on, and readers elsewhere get 503 until it is back (docs/deploy.md).
/// </remarks>
internal sealed class RedisEventArchive(RedisCluster cluster, IDatabase database, string sessionId, string registration, ResumeOptions resume, TimeSpan timeToLive)
    : IEventArchive
{
    /// <summary>The entry's one field: the event's frame, its id line first.</summary>
    public static readonly RedisValue FrameField = "f";

    private readonly RedisKey _key = ClusterKeys.Events(sessionId);
    private readonly Lock _gate = new();
    private readonly List<(long Id, byte[] Frame)> _pending = [];

    public void Add(long id, ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            _pending.Add((id, frame.ToArray()));
        }
    }

    public void Flush() => Send(end: null);

    public void Complete(long lastId)
    {
        // Kept for the grace without the heartbeat: a reader anywhere finds the ended session, and its owner's key, until then.
        cluster.Forget(sessionId);
        Send(end: lastId);
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

    /// <summary>Under the lock, so batches reach Redis in id order (an entry id below the stream's last is refused).</summary>
    private void Send(long? end)
    {
        lock (_gate)
        {
            if (_pending.Count == 0 && end is null)
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
                _pending.Clear();
            }
        }
    }

    private void Pipeline(long? end)
    {
        var pipeline = database.CreateBatch();
        foreach (var (id, frame) in _pending)
        {
            _ = pipeline.StreamAddAsync(_key, FrameField, frame, $"{id}-0", resume.BufferEvents, useApproximateMaxLength: true, flags: CommandFlags.FireAndForget);
        }
        if (end is { } lastId)
        {
            _ = pipeline.StreamAddAsync(_key, FrameField, RedisValue.EmptyString, $"{lastId}-1", resume.BufferEvents, useApproximateMaxLength: true, flags: CommandFlags.FireAndForget);
            _ = pipeline.KeyExpireAsync(_key, resume.Grace, CommandFlags.FireAndForget);
            _ = pipeline.StringSetAsync(ClusterKeys.Session(sessionId), registration, resume.Grace, flags: CommandFlags.FireAndForget);
        }
        else
        {
            // A dead owner's stream goes too: its registration's TTL, then the grace a reader had to read it.
            _ = pipeline.KeyExpireAsync(_key, timeToLive + resume.Grace, CommandFlags.FireAndForget);
        }
        pipeline.Execute();
    }
}
