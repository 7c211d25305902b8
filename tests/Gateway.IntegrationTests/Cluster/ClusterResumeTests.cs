using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// Issue 20, resumable streams across instances (SPEC §9, docs/resume.md): a resumable session's events go to a Redis
/// Stream, so GET /chat/:sessionId/events on any instance replays them after Last-Event-ID and follows the rest.
/// </summary>
public sealed class ClusterResumeTests
{
    private static readonly Dictionary<string, string> s_resumable = new() { ["RESUME_GRACE_SECONDS"] = "30" };

    [Fact]
    public async Task AClientCutMidStreamResumesThroughTheFrontOnAnotherInstanceAndGetsTheRestExactlyOnce()
    {
        await using var cluster = await GatewayCluster.StartAsync(3, s_resumable);
        Assert.Equal(0, cluster.Front.Next);
        var session = await cluster.OpenSessionAsync();
        var before = session.UpToRelay;
        Assert.True(before.Count >= 4, string.Join(" | ", before));
        // The client kept all but its last three events: the cut lost them on the way.
        var kept = before[..^3];
        await session.DisposeAsync();

        Assert.Equal(1, cluster.Front.Next);
        await using var resumed = await GatewayCluster.GetAsync(
            cluster.Front.EndPoint, $"/chat/{session.SessionId}/events", $"Last-Event-ID: {kept[^1].Id}\r\n");
        Assert.Equal(200, (await resumed.ReadResponseAsync(headRequest: true)).StatusCode);
        var reader = new EventStreamReader(resumed);
        var replayed = await reader.ReadUntilAsync("relay");
        Assert.Equal(before[^3..], replayed);

        // The answer goes through the front to the third instance, which forwards it to the owner.
        Assert.Equal(2, cluster.Front.Next);
        var answer = await GatewayCluster.AnswerAsync(cluster.Front.EndPoint, session.SessionId, session.RelayId);
        Assert.Equal(200, answer.StatusCode);
        var rest = await reader.ReadAllEventsAsync();

        var whole = kept.Concat(replayed).Concat(rest).ToList();
        AssertRestAfter(0, whole);
        Assert.Equal("""{"status":"denied","reason":"not here"}""", whole.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        // The stream's last entry is the end, after the last event.
        Assert.Equal(
            $"+{whole.Count}-1",
            await cluster.Redis.CommandAsync(LastEntryCommand(session.SessionId)));
        var ahead = await GatewayCluster.RequestAsync(cluster.EndPoints[2], $"/chat/{session.SessionId}/events", null, $"Last-Event-ID: {whole.Count + 1}\r\n");
        Assert.Equal((400, $$"""{"error":"Event {{whole.Count + 1}} has not been sent; the last sent is {{whole.Count}}"}"""), (ahead.StatusCode, ahead.Body));
    }

    [Fact]
    public async Task AReaderOnAnotherInstanceGetsSessionLostWhenTheOwnerIsKilledAndThenNotFound()
    {
        await using var cluster = await GatewayCluster.StartAsync(2, s_resumable);
        await using var follower = await cluster.FollowElsewhereAsync(1);
        var session = follower.Session;

        cluster.Instances[0].SendSignal("KILL");
        Assert.Equal(137, await cluster.Instances[0].WaitForExitAsync());
        var rest = await follower.Events.ReadAllEventsAsync();

        Assert.Equal(("error", """{"type":"error","message":"session lost"}"""), (rest.Single().Name, rest.Single().Data));
        await cluster.Redis.WaitForAsync($"EXISTS gateway:session:{session.SessionId}", ":0");
        var later = await GatewayCluster.RequestAsync(cluster.EndPoints[1], $"/chat/{session.SessionId}/events", null);
        Assert.Equal((404, """{"error":"Session not found"}"""), (later.StatusCode, later.Body));
    }

    [Fact]
    public async Task WithRedisRestartedALocalSessionGoesOnAndAnotherInstanceAnswers503MeanWhile()
    {
        await using var cluster = await GatewayCluster.StartAsync(2, s_resumable);
        await using var session = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[0]);

        await cluster.Redis.KillAsync();
        await cluster.Instances[1].LineAsync(l => l.Contains("Cluster: Redis connection lost", StringComparison.Ordinal));
        var away = await GatewayCluster.RequestAsync(cluster.EndPoints[1], $"/chat/{session.SessionId}/events", null);
        Assert.Equal((503, "1"), (away.StatusCode, away.Header("Retry-After")));
        Assert.Equal("""{"error":"The session's events cannot be reached now (Redis is away)"}""", away.Body);
        await cluster.Redis.RestartAsync();

        var answer = await GatewayCluster.AnswerAsync(cluster.EndPoints[0], session.SessionId, session.RelayId);
        Assert.Equal(200, answer.StatusCode);
        var rest = await session.FinishAsync();
        Assert.Equal(Enumerable.Range(1, session.UpToRelay.Count + rest.Count).Select(i => (long?)i), session.UpToRelay.Concat(rest).Select(e => e.Id));
    }

    [Fact]
    public async Task AReaderOnAnotherInstanceKeepsTheSessionRunningPastTheOwnersGrace()
    {
        await using var cluster = await GatewayCluster.StartAsync(2, new Dictionary<string, string> { ["RESUME_GRACE_SECONDS"] = "1" });
        await using var follower = await cluster.FollowElsewhereAsync(1);
        var session = follower.Session;

        // The owner's grace without a local reader passes and the reader's mark starts it again; without the mark the
        // session would be cancelled, the line never written, and the answer a 404.
        await cluster.Instances[0].LineAsync(l => l.Contains($"session {session.SessionId} kept past its grace: read on another instance", StringComparison.Ordinal));
        var answer = await GatewayCluster.AnswerAsync(cluster.EndPoints[1], session.SessionId, session.RelayId);
        Assert.Equal((200, """{"success":true}"""), (answer.StatusCode, answer.Body));
        Assert.Equal("harness_end", (await follower.Events.ReadAllEventsAsync())[^1].Name);
    }

    [Fact]
    public async Task AnIdOlderThanTheStreamHoldsIs409OnAnotherInstanceWithTheOldestIdHeldAndThatIdReadsTheRest()
    {
        // One event kept per session, and a Redis that trims a stream entry by entry (its node of one entry): only the
        // session's last entry stays.
        await using var cluster = await GatewayCluster.StartAsync(2, new Dictionary<string, string> { ["RESUME_GRACE_SECONDS"] = "30", ["RESUME_BUFFER_EVENTS"] = "1" });
        Assert.Equal("+OK", await cluster.Redis.CommandAsync("CONFIG SET stream-node-max-entries 1"));
        await using var session = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[0]);
        var relayId = session.UpToRelay.Count;
        // The relay's entry is in the stream before the answer's events exist, so every later entry starts after it.
        await cluster.Redis.WaitForAsync(LastEntryCommand(session.SessionId), $"+{relayId}-0");
        Assert.Equal(200, (await GatewayCluster.AnswerAsync(cluster.EndPoints[0], session.SessionId, session.RelayId)).StatusCode);
        var lastId = relayId + (await session.FinishAsync()).Count;
        await cluster.Redis.WaitForAsync(LastEntryCommand(session.SessionId), $"+{lastId}-1");
        Assert.Equal(":1", await cluster.Redis.CommandAsync($"XLEN gateway:events:{session.SessionId}"));

        var path = $"/chat/{session.SessionId}/events";
        var refused = await GatewayCluster.RequestAsync(cluster.EndPoints[1], path, null, "Last-Event-ID: 1\r\n");
        Assert.Equal(409, refused.StatusCode);
        var oldest = JsonDocument.Parse(refused.Body).RootElement.GetProperty("oldestEventId").GetInt64();
        Assert.InRange(oldest, relayId + 1, lastId + 1);
        Assert.Equal($$"""{"error":"Event 1 is no longer held; the oldest held is {{oldest}}","oldestEventId":{{oldest}}}""", refused.Body);

        // What is left, as the 409 invites: every event from the oldest held to the last, and the end; or, when the
        // shipper sent the last event before the end (an empty end entry is all that is left), 204: nothing to read.
        await using var rest = await GatewayCluster.GetAsync(cluster.EndPoints[1], path, $"Last-Event-ID: {oldest - 1}\r\n");
        var head = await rest.ReadResponseAsync(headRequest: true);
        if (oldest == lastId + 1)
        {
            Assert.Equal(204, head.StatusCode);
            return;
        }
        Assert.Equal(200, head.StatusCode);
        var left = await new EventStreamReader(rest).ReadAllEventsAsync();
        Assert.Equal(Enumerable.Range((int)oldest, lastId - (int)oldest + 1).Select(i => (long?)i), left.Select(e => e.Id));
    }

    [Fact]
    public async Task AReaderOnAnotherInstanceEndsCleanlyWhenRedisGoesAwayAndReadsAgainOnceItIsBack()
    {
        await using var cluster = await GatewayCluster.StartAsync(2, s_resumable);
        await using var follower = await cluster.FollowElsewhereAsync(1);
        var session = follower.Session;

        await cluster.Redis.KillAsync();
        // The next poll fails: the response ends with its last chunk, a whole HTTP message, so the connection serves on.
        Assert.Empty(await follower.Events.ReadAllEventsAsync());
        await follower.Connection.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.Equal(200, (await follower.Connection.ReadResponseAsync()).StatusCode);

        await cluster.Redis.RestartAsync();
        foreach (var instance in cluster.Instances)
        {
            await instance.LineAsync(l => l.Contains("Cluster: Redis connection restored", StringComparison.Ordinal));
        }
        await cluster.Redis.WaitForAsync($"EXISTS gateway:session:{session.SessionId}", ":1");
        await using var again = await GatewayCluster.GetAsync(cluster.EndPoints[1], $"/chat/{session.SessionId}/events", $"Last-Event-ID: {session.UpToRelay.Count}\r\n");
        Assert.Equal(200, (await again.ReadResponseAsync(headRequest: true)).StatusCode);
        Assert.Equal(200, (await GatewayCluster.AnswerAsync(cluster.EndPoints[0], session.SessionId, session.RelayId)).StatusCode);
        var rest = await new EventStreamReader(again).ReadAllEventsAsync();
        AssertRestAfter(session.UpToRelay.Count, rest);
    }

    [Fact]
    public async Task AReaderOnAThirdInstanceReplacesOneOnAnotherWhoseResponseEndsAndGetsTheRestExactlyOnce()
    {
        await using var cluster = await GatewayCluster.StartAsync(3, s_resumable);
        await using var first = await cluster.FollowElsewhereAsync(1);
        var (session, upToRelay) = (first.Session, first.Session.UpToRelay);

        await using var second = await GatewayCluster.GetAsync(cluster.EndPoints[2], $"/chat/{session.SessionId}/events", $"Last-Event-ID: {upToRelay[^1].Id}\r\n");
        Assert.Equal(200, (await second.ReadResponseAsync(headRequest: true)).StatusCode);
        // The session waits on its relay, so the first response can only end because it was replaced (at its next poll).
        Assert.Empty(await first.Events.ReadAllEventsAsync());

        Assert.Equal(200, (await GatewayCluster.AnswerAsync(cluster.EndPoints[0], session.SessionId, session.RelayId)).StatusCode);
        var whole = upToRelay.Concat(await new EventStreamReader(second).ReadAllEventsAsync()).ToList();
        AssertRestAfter(0, whole);
    }

    [Fact]
    public async Task TheOwnersReaderAndOneOnAnotherInstanceReplaceEachOther()
    {
        await using var cluster = await GatewayCluster.StartAsync(2, s_resumable);
        await using var session = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[0]);
        var path = $"/chat/{session.SessionId}/events";
        var relayEventId = session.UpToRelay[^1].Id;

        // A reader elsewhere tells the owner, whose POST /chat response ends with its last chunk.
        await using var remote = await GatewayCluster.GetAsync(cluster.EndPoints[1], path, $"Last-Event-ID: {relayEventId}\r\n");
        Assert.Equal(200, (await remote.ReadResponseAsync(headRequest: true)).StatusCode);
        Assert.Empty(await session.Events.ReadAllEventsAsync());

        // A reader on the owner takes the mark away, and the remote response ends at its next poll.
        await using var local = await GatewayCluster.GetAsync(cluster.EndPoints[0], path, $"Last-Event-ID: {relayEventId}\r\n");
        Assert.Equal(200, (await local.ReadResponseAsync(headRequest: true)).StatusCode);
        Assert.Empty(await new EventStreamReader(remote).ReadAllEventsAsync());

        Assert.Equal(200, (await GatewayCluster.AnswerAsync(cluster.EndPoints[1], session.SessionId, session.RelayId)).StatusCode);
        var rest = await new EventStreamReader(local).ReadAllEventsAsync();
        AssertRestAfter(relayEventId!.Value, rest);
    }

    [Fact]
    public async Task OnAnotherInstanceAHeadNeverTakesTheSessionOverAndTheLastEventOfAnEndedSessionIs204()
    {
        await using var cluster = await GatewayCluster.StartAsync(2, s_resumable);
        await using var session = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[0]);
        var path = $"/chat/{session.SessionId}/events";
        await using (var head = await RawConnection.ConnectAsync(cluster.EndPoints[1]))
        {
            await head.SendAsync($"HEAD {path} HTTP/1.1\r\nHost: test\r\n\r\n");
            var response = await head.ReadResponseAsync(headRequest: true);
            Assert.Equal((200, "text/event-stream"), (response.StatusCode, response.Header("Content-Type")));
            // The next answer on the connection comes after the HEAD's endpoint has returned, notice to the owner included had it sent one.
            await head.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
            Assert.Equal(200, (await head.ReadResponseAsync()).StatusCode);
        }

        // The POST /chat response is still the reader: it gets the rest.
        Assert.Equal(200, (await GatewayCluster.AnswerAsync(cluster.EndPoints[0], session.SessionId, session.RelayId)).StatusCode);
        var lastId = session.UpToRelay.Count + (await session.FinishAsync()).Count;
        await cluster.Redis.WaitForAsync(LastEntryCommand(session.SessionId), $"+{lastId}-1");
        var finished = await GatewayCluster.RequestAsync(cluster.EndPoints[1], path, null, $"Last-Event-ID: {lastId}\r\n");
        Assert.Equal((204, ""), (finished.StatusCode, finished.Body));
    }

    /// <summary>The events after <paramref name="afterId"/> to the session's end: each id once, in order, <c>harness_end</c> last.</summary>
    private static void AssertRestAfter(long afterId, List<ServerSentEvent> rest)
    {
        Assert.Equal(Enumerable.Range((int)afterId + 1, rest.Count).Select(i => (long?)i), rest.Select(e => e.Id));
        Assert.Equal("harness_end", rest[^1].Name);
    }

    /// <summary>The id of the session's newest stream entry, as a status reply (<see cref="RedisServer.CommandAsync"/> reads one line).</summary>
    private static string LastEntryCommand(string sessionId) =>
        $"EVAL \"return{{ok=redis.call('xrevrange',KEYS[1],'+','-','COUNT',1)[1][1]}}\" 1 gateway:events:{sessionId}";
}
