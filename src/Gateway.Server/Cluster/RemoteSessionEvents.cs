using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using Gateway.Server.Events;
using Gateway.Server.Primitives;
using Gateway.Server.Sse;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// A session another instance runs, read from its Redis Stream (SPEC §9): the entries after the reader's last id, then the
/// new ones by polling (the client forbids blocking reads on its shared connection) until the end entry, or until the
/// owner's instance key has expired: then an <c>error</c> event "session lost" (SPEC §5).
/// </summary>
/// <remarks>
/// Ids are checked against what the stream held when the session was looked up; later entries only add to it. An entry
/// holds the frames of several events, the last one's id its own (<see cref="RedisEventArchive"/>). One live reader
/// across instances (SPEC §9): the reader's own token in <see cref="ClusterKeys.Reader"/>, checked by each poll, ends it
/// once another reader took over (within a poll); a notice to the owner ends the owner's reader (within a message).
/// </remarks>
internal sealed class RemoteSessionEvents(
    IDatabase database, string sessionId, string ownerInstance, byte[]? ownerDigest, StreamEntry? first, StreamEntry? last, ClusterOptions options, TimeSpan pingInterval)
    : IResumableEvents
{
    /// <summary>How often a follower asks for new entries; also how late it sees the session's end.</summary>
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);

    private const int PageSize = 256;

    /// <summary>Refreshes the reader key for ARGV[2] ms (or deletes it for 0) if it still holds this reader's token ARGV[1]; 1 if so.</summary>
    private const string IfStillReaderScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        if ARGV[2] == '0' then
          redis.call('DEL', KEYS[1])
        else
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 1
        """;

    public byte[]? OwnerDigest => ownerDigest;

    public ResumeAttempt Resume(IHttpExchange exchange, long afterId)
    {
        var ended = last is { } end && IsEnd(end.Id);
        var lastId = last is { } newest ? EventId(newest.Id) : 0;
        // Ahead of the stream is an error only once it has ended: until then the owner's next entry may be on its way.
        // A HEAD never takes the session over from its reader.
        var oldestId = first is { } oldest ? OldestHeld(oldest) : 1;
        return ResumeAttempt.Refusal(afterId, lastId, lastIsFinal: ended, oldestId, ended, exchange.IsHead)
            ?? new ResumeAttempt(ResumeStatus.Reading, 0, ServeAsync(exchange, afterId));
    }

    private async Task ServeAsync(IHttpExchange exchange, long afterId)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(exchange.RequestAborted, exchange.ServerStopping);
        var events = new EventStream(exchange, reading, pingInterval);
        events.Open();
        RedisValue token = Guid.NewGuid().ToString("N");
        try
        {
            await events.SendHeadAsync().ConfigureAwait(false);
            await TakeOverAsync(token).ConfigureAwait(false);
            await FollowAsync(events, afterId, token, reading.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RedisException or TimeoutException)
        {
            // The client left, the server stops, or Redis went away: the response ends; a reconnect gets 503 while Redis is away.
        }
        finally
        {
            await events.CompleteAsync().ConfigureAwait(false);
            // Only its own mark: a reader that took over keeps the session running.
            RedisCluster.FireAndForget(database, d => d.ScriptEvaluate(IfStillReaderScript, [ClusterKeys.Reader(sessionId)], [token, 0], CommandFlags.FireAndForget));
        }
    }

    /// <summary>This reader's token replaces any other reader's (which sees it at its next poll) and the owner ends its own reader.</summary>
    private async Task TakeOverAsync(RedisValue token)
    {
        var batch = database.CreateBatch();
        var marked = batch.StringSetAsync(ClusterKeys.Reader(sessionId), token, options.TimeToLive);
        var told = batch.PublishAsync(ClusterKeys.Relays(ownerInstance), RelayMessages.ReaderAttached(sessionId));
        batch.Execute();
        await Task.WhenAll(marked, told).ConfigureAwait(false);
    }

    private async Task FollowAsync(EventStream events, long afterId, RedisValue token, CancellationToken cancellationToken)
    {
        RedisValue after = $"({afterId}-0";
        var stream = ClusterKeys.Events(sessionId);
        RedisKey[] reader = [ClusterKeys.Reader(sessionId)];
        RedisValue[] refresh = [token, (long)options.TimeToLive.TotalMilliseconds];
        while (true)
        {
            // One round trip: whether this reader is still the one (its mark refreshed: it keeps the session running), the next entries, whether the owner lives.
            var batch = database.CreateBatch();
            var stillReader = batch.ScriptEvaluateAsync(IfStillReaderScript, reader, refresh);
            var page = batch.StreamRangeAsync(stream, after, "+", PageSize);
            var ownerAlive = batch.KeyExistsAsync(ClusterKeys.Instance(ownerInstance));
            batch.Execute();
            if ((int)await stillReader.ConfigureAwait(false) == 0)
            {
                // Another reader took over (SPEC §9): this response ends cleanly, without what it would read twice.
                return;
            }
            var entries = await page.ConfigureAwait(false);
            var alive = await ownerAlive.ConfigureAwait(false);
            foreach (var entry in entries)
            {
                WriteAfter(events, Frames(entry), afterId);
                if (IsEnd(entry.Id))
                {
                    await events.FlushAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                after = "(" + entry.Id;
            }
            if (entries.Length > 0)
            {
                await events.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            if (entries.Length == PageSize)
            {
                continue;
            }
            if (!alive)
            {
                events.Write(new ErrorEvent { Message = "session lost" });
                await events.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            await Task.Delay(s_poll, options.Clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The entry's frames after <paramref name="afterId"/>: only the first entry read can hold earlier ones.</summary>
    private static void WriteAfter(EventStream events, ReadOnlySpan<byte> frames, long afterId)
    {
        using var scope = events.BeginFrames();
        while (!frames.IsEmpty)
        {
            var end = frames.IndexOf("\n\n"u8) + 2;
            if (end < 2)
            {
                return;
            }
            if (FrameId(frames) > afterId)
            {
                scope.Output.Write(frames[..end]);
            }
            frames = frames[end..];
        }
    }

    /// <summary>The oldest entry's first event; an empty end entry <c>n-1</c> (trimmed down to it) holds none up to n.</summary>
    private static long OldestHeld(StreamEntry oldest) => Frames(oldest) is { IsEmpty: false } frames ? FrameId(frames) : EventId(oldest.Id) + 1;

    private static ReadOnlySpan<byte> Frames(StreamEntry entry) => ((ReadOnlyMemory<byte>)entry[RedisEventArchive.FramesField]).Span;

    /// <summary>A frame starts with its <c>id: n</c> line (SessionEventLog).</summary>
    private static long FrameId(ReadOnlySpan<byte> frame) => Utf8Parser.TryParse(frame["id: "u8.Length..], out long id, out _) ? id : 0;

    /// <summary>The last entry is <c>n-1</c>, after event n's <c>n-0</c> (if n had an entry of its own).</summary>
    private static bool IsEnd(RedisValue entryId) => ((string)entryId!).EndsWith("-1", StringComparison.Ordinal);

    private static long EventId(RedisValue entryId)
    {
        var id = (string)entryId!;
        return long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
    }
}
