using System.Text;
using Gateway.Server.Cluster;
using Gateway.Server.Sse;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// <see cref="RedisEventArchive"/> and <see cref="EventShipper"/> against a real redis-server: what a log flushes between two pipelines is one entry
/// whose id is its last event's, the last entry marks the end, and the stream is trimmed to about RESUME_BUFFER_EVENTS entries.
/// </summary>
public sealed class RedisEventArchiveTests
{
    private static readonly ResumeOptions s_resume = new() { Grace = TimeSpan.FromSeconds(30), BufferEvents = 20 };
    private static readonly TimeSpan s_timeToLive = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task FlushedEventsBecomeOneEntryPerSpanNamedByTheLastIdAndTheLastEntryMarksTheEnd()
    {
        await using var rig = await Rig.StartAsync();
        var (redis, clock) = (rig.Redis, rig.Clock);
        var ended = 0;
        var archive = rig.Archive("s1", () => ended++);

        archive.Add(1, Frame(1));
        archive.Flush();
        archive.Add(2, Frame(2));
        archive.Flush();
        // Nothing is sent before the shipper's next pipeline: the two flushes share one entry.
        Assert.Equal(":0", await redis.CommandAsync("XLEN gateway:events:s1"));
        clock.Advance(EventShipper.Period);
        await redis.WaitForAsync("XLEN gateway:events:s1", ":1");
        Assert.Equal($":{Frame(1).Length + Frame(2).Length}", await FieldLengthAsync(redis, "s1", "2-0"));
        // The registration went with the first entry.
        Assert.Equal("$10", await redis.CommandAsync("GET gateway:session:s1"));

        // What is left when the session ends goes under the end's id: event 3 is in entry 3-1.
        archive.Add(3, Frame(3));
        archive.Complete(3);
        clock.Advance(EventShipper.Period);
        await redis.WaitForAsync("XLEN gateway:events:s1", ":2");
        Assert.Equal($":{Frame(3).Length}", await FieldLengthAsync(redis, "s1", "3-1"));
        Assert.Equal(1, ended);
        // The ended session stays findable, and its events readable, for the grace.
        Assert.Equal("$10", await redis.CommandAsync("GET gateway:session:s1"));
        Assert.InRange(int.Parse((await redis.CommandAsync("TTL gateway:events:s1"))[1..]), 25, 30);
        Assert.InRange(int.Parse((await redis.CommandAsync("TTL gateway:session:s1"))[1..]), 25, 30);
    }

    [Fact]
    public async Task TheStreamIsTrimmedToAboutTheBufferEventsInEntries()
    {
        await using var rig = await Rig.StartAsync();
        var (redis, clock) = (rig.Redis, rig.Clock);
        var archive = rig.Archive("s2", () => { });

        for (var id = 1; id <= 250; id++)
        {
            archive.Add(id, Frame(id));
            archive.Flush();
            clock.Advance(EventShipper.Period);
            // Each span its own entry: the shipper has sent it before the next event is added.
            await redis.WaitForAsync(LastEntry("s2"), $"+{id}-0");
        }
        archive.Complete(250);
        clock.Advance(EventShipper.Period);

        // MAXLEN ~ 20 drops only whole nodes (at most 100 entries or 4 KiB each): never fewer than 20 are left, nor a node more.
        await redis.WaitForAsync(LastEntry("s2"), "+250-1");
        var length = int.Parse((await redis.CommandAsync("XLEN gateway:events:s2"))[1..]);
        Assert.InRange(length, 20, 121);
        // The newest entries stay, in order: events 252 - length to 250, then the end.
        Assert.Equal($"+{252 - length}-0", await redis.CommandAsync("EVAL \"return{ok=redis.call('xrange',KEYS[1],'-','+','COUNT',1)[1][1]}\" 1 gateway:events:s2"));
    }

    [Fact]
    public async Task EachSessionOfASpanGetsItsOwnEntryRegistrationAndTimesToLive()
    {
        await using var rig = await Rig.StartAsync();
        var (redis, clock) = (rig.Redis, rig.Clock);
        // Running and ended sessions in one pipeline, each to its own keys.
        const int sessions = 200;
        for (var n = 1; n <= sessions; n++)
        {
            var archive = rig.Archive($"m{n}", () => { });
            archive.Add(n, Frame(n));
            if (n % 2 == 0)
            {
                archive.Complete(n);
            }
            else
            {
                archive.Flush();
            }
        }
        clock.Advance(EventShipper.Period);

        await redis.WaitForAsync($"EXISTS gateway:events:m{sessions}", ":1");
        Assert.Equal($":{2 * sessions}", await redis.CommandAsync("DBSIZE"));
        foreach (var n in new[] { 1, 2, 3, 199, 200 })
        {
            Assert.Equal($"+{n}-{1 - n % 2}", await redis.CommandAsync(LastEntry($"m{n}")));
            Assert.Equal($":{Frame(n).Length}", await FieldLengthAsync(redis, $"m{n}", $"{n}-{1 - n % 2}"));
            Assert.Equal("$10", await redis.CommandAsync($"GET gateway:session:m{n}"));
            // Running: the registration's TTL (15 s), the stream's that plus the grace; ended: the grace (30 s) for both.
            var (stream, owner) = n % 2 == 0 ? (30, 30) : (45, 15);
            Assert.InRange(int.Parse((await redis.CommandAsync($"TTL gateway:events:m{n}"))[1..]), stream - 5, stream);
            Assert.InRange(int.Parse((await redis.CommandAsync($"TTL gateway:session:m{n}"))[1..]), owner - 5, owner);
        }
    }

    private static string LastEntry(string sessionId) =>
        $"EVAL \"return{{ok=redis.call('xrevrange',KEYS[1],'+','-','COUNT',1)[1][1]}}\" 1 gateway:events:{sessionId}";

    private static byte[] Frame(long id) => Encoding.UTF8.GetBytes($"id: {id}\nevent: text\ndata: {{\"type\":\"text\",\"n\":{id}}}\n\n");

    private static Task<string> FieldLengthAsync(RedisServer redis, string sessionId, string entryId) =>
        redis.CommandAsync($"EVAL \"return#redis.call('xrange',KEYS[1],ARGV[1],ARGV[1])[1][2][2]\" 1 gateway:events:{sessionId} {entryId}");

    /// <summary>A redis-server, a client of it, and a shipper on a clock the test steps.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _connection;
        private readonly EventShipper _shipper;

        private Rig(RedisServer redis, ConnectionMultiplexer connection)
        {
            Redis = redis;
            _connection = connection;
            _shipper = new EventShipper(connection.GetDatabase(), Clock);
        }

        public RedisServer Redis { get; }

        public FakeTimeProvider Clock { get; } = new();

        public static async Task<Rig> StartAsync()
        {
            var redis = await RedisServer.StartAsync();
            return new Rig(redis, await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}"));
        }

        public RedisEventArchive Archive(string sessionId, Action ended) =>
            new(_shipper, sessionId, new SessionRegistration("instance-a"), s_resume, s_timeToLive, ended, () => ValueTask.FromResult(false));

        public async ValueTask DisposeAsync()
        {
            await _shipper.DisposeAsync();
            await _connection.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }
}
