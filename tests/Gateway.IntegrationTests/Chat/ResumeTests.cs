using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Sse;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>Resumable streams (SPEC §9): <c>id:</c> lines, GET /chat/:sessionId/events with Last-Event-ID, the grace and the replay buffer.</summary>
public sealed partial class ResumeTests
{
    private const string Go = """{"model":"test-model","messages":[{"role":"user","content":"go"}]}""";

    /// <summary>Text, a relayed tool call, a subagent and the root's answer; the agent tool is allowed, echo asks.</summary>
    private const string Session = """{"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"agent"}]}}""";

    private static readonly ResumeOptions s_resume = new() { Grace = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task EveryCutOfTheStreamResumesToTheWholeStreamInOrderWithNoDuplicate()
    {
        await using var host = await StartAsync(new FakeTimeProvider());
        var reference = await ReadWholeSessionAsync(host);
        Assert.Equal(
            ["connected", "harness_start", "text", "usage", "relay", "tool_call", "tool_result", "usage", "tool_call",
             "harness_start", "text", "usage", "harness_end", "tool_result", "text", "usage", "harness_end"],
            reference.Select(e => e.Name));
        Assert.Equal(Enumerable.Range(1, reference.Count).Select(i => (long?)i), reference.Select(e => e.Id));

        for (var cut = 1; cut <= reference.Count; cut++)
        {
            var (before, after) = await CutAndResumeAsync(host, cut, viaQuery: cut == 5);
            List<ServerSentEvent> whole = [.. before, .. after];
            Assert.Equal(Enumerable.Range(1, reference.Count).Select(i => (long?)i), whole.Select(e => e.Id));
            Assert.Equal(Normalized(reference), Normalized(whole));
        }
        await WithinAsync(Patience, () => host.SessionsGone, "every session has ended");
    }

    [Fact]
    public async Task AnEndedSessionIsReplayedUntilItsGraceHasPassedThenItIsNotFound()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(clock);
        var events = await RunSessionAsync(host);
        var sessionId = events[0].Field("sessionId")!;

        var (replay, replayStream) = await OpenEventsAsync(host, sessionId, "");
        await using (replay)
        {
            Assert.Equal(events, await replayStream.ReadAllEventsAsync());
        }
        clock.Advance(s_resume.Grace - TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await GetEventsAsync(host, sessionId, "Last-Event-ID: 4\r\n")).StatusCode);

        clock.Advance(TimeSpan.FromSeconds(1));
        var gone = await GetEventsAsync(host, sessionId, "Last-Event-ID: 5\r\n");
        Assert.Equal((404, """{"error":"Session not found"}"""), (gone.StatusCode, gone.Body));
        var unknown = await GetEventsAsync(host, Guid.CreateVersion7().ToString(), "");
        Assert.Equal((404, "application/json", """{"error":"Session not found"}"""), (unknown.StatusCode, unknown.Header("Content-Type"), unknown.Body));
    }

    [Fact]
    public async Task AnIdOlderThanTheBufferIs409WithTheOldestHeldAndAnIdNotYetSentIs400()
    {
        await using var host = await StartAsync(new FakeTimeProvider(), s_resume with { BufferEvents = 3 });
        var events = await RunSessionAsync(host);
        var sessionId = events[0].Field("sessionId")!;

        var tooOld = await GetEventsAsync(host, sessionId, "Last-Event-ID: 1\r\n");
        Assert.Equal((409, "application/json", """{"error":"Event 1 is no longer held; the oldest held is 3","oldestEventId":3}"""), (tooOld.StatusCode, tooOld.Header("Content-Type"), tooOld.Body));
        var (rest, restStream) = await OpenEventsAsync(host, sessionId, "Last-Event-ID: 2\r\n");
        await using (rest)
        {
            Assert.Equal(events[2..], await restStream.ReadAllEventsAsync());
        }
        var ahead = await GetEventsAsync(host, sessionId, "Last-Event-ID: 6\r\n");
        Assert.Equal((400, """{"error":"Event 6 has not been sent; the last sent is 5"}"""), (ahead.StatusCode, ahead.Body));
    }

    [Theory]
    [InlineData("", "Last-Event-ID: abc\r\n")]
    [InlineData("?lastEventId=-1", "")]
    [InlineData("?lastEventId=", "")]
    [InlineData("?lastEventId=1x", "")]
    public async Task ALastEventIdThatIsNoNonNegativeIntegerIs400(string query, string header)
    {
        await using var host = await StartAsync(new FakeTimeProvider());
        var sessionId = (await RunSessionAsync(host))[0].Field("sessionId")!;

        var response = await GetEventsAsync(host, sessionId + "/events" + query, header, pathGiven: true);
        Assert.Equal((400, """{"error":"Invalid Last-Event-ID"}"""), (response.StatusCode, response.Body));
    }

    [Fact]
    public async Task TheHeaderWinsOverTheQuery()
    {
        await using var host = await StartAsync(new FakeTimeProvider());
        var events = await RunSessionAsync(host);

        var (replay, replayStream) = await OpenEventsAsync(host, events[0].Field("sessionId")! + "/events?lastEventId=0", "Last-Event-ID: 3\r\n", pathGiven: true);
        await using (replay)
        {
            Assert.Equal(events[3..], await replayStream.ReadAllEventsAsync());
        }
    }

    [Fact]
    public async Task ASecondReaderReplacesTheFirstWhoseResponseEndsCleanly()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(new FakeTimeProvider());
        var (connection, stream, head) = await OpenGatedAsync(host, gate.Task);
        await using var _ = connection;

        var (second, secondStream) = await OpenEventsAsync(host, head[0].Field("sessionId")!, "Last-Event-ID: 2\r\n");
        await using var __ = second;
        Assert.Empty(await stream.ReadAllEventsAsync());
        Assert.True(stream.Ended);

        gate.SetResult();
        var rest = await secondStream.ReadAllEventsAsync();
        Assert.Equal(["text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal([3L, 4L, 5L], rest.Select(e => e.Id!.Value));
    }

    [Fact]
    public async Task ARelayIsAnsweredWhileNobodyReadsAndTheReaderThatComesBackSeesTheRest()
    {
        await using var host = await StartAsync(new FakeTimeProvider());
        host.Model.ThenCalls(Call("c1", "echo", """{"text":"hi"}""")).ThenText("done");
        var (connection, stream) = await host.OpenChatAsync(Go);
        var head = await stream.ReadUntilAsync("relay");
        await connection.DisposeAsync();

        await host.AnswerAsync(head[^1].Field("id")!, head[0].Field("sessionId")!, """{"approved":true}""");
        var (resumed, resumedStream) = await OpenEventsAsync(host, head[0].Field("sessionId")!, $"Last-Event-ID: {head[^1].Id}\r\n");
        await using var _ = resumed;
        var rest = await resumedStream.ReadAllEventsAsync();
        Assert.Equal(["tool_call", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal(Enumerable.Range(head.Count + 1, rest.Count).Select(i => (long?)i), rest.Select(e => e.Id));
    }

    [Fact]
    public async Task ASessionNobodyReadsForTheGraceIsCancelled()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(clock);
        host.Model.ThenHang("thinking");
        var (connection, stream) = await host.OpenChatAsync(Go);
        await stream.ReadUntilAsync("text");
        await connection.DisposeAsync();
        // The connection closes once its response has ended, which the reader's leaving (and the grace's start) comes before.
        await WithinAsync(Patience, () => host.Host.ConnectionCount == 0, "the server closes the connection");

        clock.Advance(s_resume.Grace - TimeSpan.FromSeconds(1));
        Assert.False(host.Model.Cancelled.IsCompleted);
        Assert.Equal(1, host.Host.Sessions.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.Model.Cancelled.WaitAsync(Patience);
        await WithinAsync(Patience, () => host.SessionsGone, "the session is removed and its orchestrator returned");
    }

    [Fact]
    public async Task AnotherKeysSessionIsNotFound()
    {
        await using var host = await StartAsync(new FakeTimeProvider(), apiKeys: ["key-a", "key-b"]);
        host.Model.ThenText("done");
        var connection = await host.PostAsync("/chat", Go, "Authorization: Bearer key-a\r\n");
        await using var _ = connection;
        Assert.Equal(200, (await connection.ReadResponseAsync(headRequest: true)).StatusCode);
        var sessionId = (await new EventStreamReader(connection).ReadAllEventsAsync())[0].Field("sessionId")!;

        var other = await GetEventsAsync(host, sessionId, "Authorization: Bearer key-b\r\n");
        Assert.Equal((404, """{"error":"Session not found"}"""), (other.StatusCode, other.Body));
        Assert.Equal(401, (await GetEventsAsync(host, sessionId, "")).StatusCode);
        Assert.Equal(200, (await GetEventsAsync(host, sessionId, "Authorization: Bearer key-a\r\n")).StatusCode);
    }

    [Fact]
    public async Task WithoutAGraceEventsCarryNoIdAndNoSessionCanBeResumed()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("done"));
        var (connection, stream) = await host.OpenChatAsync(Go);
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();
        Assert.All(events, e => Assert.Null(e.Id));

        var sessionId = events[0].Field("sessionId")!;
        var response = await GetEventsAsync(host, sessionId, "");
        Assert.Equal((404, """{"error":"Session not found"}"""), (response.StatusCode, response.Body));
        await using var post = await host.PostAsync($"/chat/{sessionId}/events", "{}");
        var refused = await post.ReadResponseAsync();
        Assert.Equal((405, "GET, HEAD"), (refused.StatusCode, refused.Header("Allow")));
    }

    private static Task<ChatTestHost> StartAsync(FakeTimeProvider clock, ResumeOptions? resume = null, string[]? apiKeys = null) =>
        ChatTestHost.StartAsync(new ScriptedModelProvider(), new TestToolRegistry(), new AgentOptions { Clock = clock }, resume: resume ?? s_resume, apiKeys: apiKeys);

    /// <summary>Starts a session whose answer ("later": text, usage, harness_end) waits for <paramref name="gate"/>; reads up to its harness_start (ids 1, 2).</summary>
    private static async Task<(RawConnection Connection, EventStreamReader Events, List<ServerSentEvent> Head)> OpenGatedAsync(ChatTestHost host, Task gate)
    {
        host.Model.Then(After(gate, Text("later")));
        var (connection, stream) = await host.OpenChatAsync(Go);
        return (connection, stream, await stream.ReadUntilAsync("harness_start"));
    }

    /// <summary>Runs a session of one answer to its end (five events) and returns its events.</summary>
    private static async Task<List<ServerSentEvent>> RunSessionAsync(ChatTestHost host)
    {
        host.Model.ThenText("done");
        var (connection, stream) = await host.OpenChatAsync(Go);
        await using var _ = connection;
        return await stream.ReadAllEventsAsync();
    }

    /// <summary>Queues the model turns of one <see cref="Session"/>: they are taken in call order, one session at a time.</summary>
    private static void Script(ScriptedModelProvider model) => model
        .Then(ProviderEvent.TextDelta("looking"), ProviderEvent.ToolCalled(Call("c1", "echo", """{"text":"hi"}""")), ProviderEvent.UsageReported(new TokenUsage(5, 1)))
        .ThenCalls(Call("a1", "agent", """{"task":"dig"}"""))
        .ThenText("dug")
        .ThenText("all done");

    private static async Task<List<ServerSentEvent>> ReadWholeSessionAsync(ChatTestHost host)
    {
        Script(host.Model);
        var (connection, stream) = await host.OpenChatAsync(Session);
        await using var _ = connection;
        return await ReadAnsweringRelaysAsync(host, stream, []);
    }

    /// <summary>Reads <paramref name="cut"/> events, leaves, and resumes after the last one read; a relay is answered once the stream past it is wanted.</summary>
    private static async Task<(List<ServerSentEvent> Before, List<ServerSentEvent> After)> CutAndResumeAsync(ChatTestHost host, int cut, bool viaQuery)
    {
        Script(host.Model);
        var before = new List<ServerSentEvent>();
        var (connection, stream) = await host.OpenChatAsync(Session);
        await using (connection)
        {
            while (before.Count < cut)
            {
                var next = await stream.ReadAsync() ?? throw new InvalidOperationException($"The stream ended after {before.Count} events");
                if (next.IsComment)
                {
                    continue;
                }
                before.Add(next);
                if (next.Name == "relay" && before.Count < cut)
                {
                    await AnswerAsync(host, before, next);
                }
            }
        }
        var last = before[^1].Id!.Value;
        await using var resumed = viaQuery
            ? await SendGetAsync(host, $"{before[0].Field("sessionId")}/events?lastEventId={last}", "", pathGiven: true)
            : await SendGetAsync(host, before[0].Field("sessionId")!, $"Last-Event-ID: {last}\r\n", pathGiven: false);
        var head = await resumed.ReadResponseAsync(headRequest: true);
        if (head.StatusCode == 204)
        {
            return (before, []); // The session had ended with the last event read (an empty stream if it ends just after).
        }
        Assert.Equal((200, "text/event-stream", "chunked"), (head.StatusCode, head.Header("Content-Type"), head.Header("Transfer-Encoding")));
        if (before[^1].Name == "relay")
        {
            await AnswerAsync(host, before, before[^1]);
        }
        return (before, await ReadAnsweringRelaysAsync(host, new EventStreamReader(resumed), before));
    }

    private static async Task<List<ServerSentEvent>> ReadAnsweringRelaysAsync(ChatTestHost host, EventStreamReader stream, List<ServerSentEvent> before)
    {
        var events = new List<ServerSentEvent>();
        while (await stream.ReadAsync() is { } next)
        {
            if (next.IsComment)
            {
                continue;
            }
            events.Add(next);
            if (next.Name == "relay")
            {
                await AnswerAsync(host, [.. before, .. events], next);
            }
        }
        return events;
    }

    private static Task AnswerAsync(ChatTestHost host, List<ServerSentEvent> seen, ServerSentEvent relay) =>
        host.AnswerAsync(relay.Field("id")!, seen[0].Field("sessionId")!, """{"approved":true}""");

    /// <summary>The events as names and data, each UUID replaced by its order of first appearance: two runs of one script compare equal.</summary>
    private static string[] Normalized(IEnumerable<ServerSentEvent> events)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        return [.. events.Select(e => $"{e.Name} " + Uuid().Replace(e.Data, m => names.TryGetValue(m.Value, out var name) ? name : names[m.Value] = $"<{names.Count}>"))];
    }

    private static async Task<(RawConnection Connection, EventStreamReader Events)> OpenEventsAsync(ChatTestHost host, string sessionId, string headers, bool pathGiven = false)
    {
        var connection = await SendGetAsync(host, sessionId, headers, pathGiven);
        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Equal((200, "text/event-stream", "chunked"), (head.StatusCode, head.Header("Content-Type"), head.Header("Transfer-Encoding")));
        return (connection, new EventStreamReader(connection));
    }

    /// <summary>A GET of the session's events read whole: an error, or a stream of an ended session.</summary>
    private static async Task<RawResponse> GetEventsAsync(ChatTestHost host, string sessionId, string headers, bool pathGiven = false)
    {
        await using var connection = await SendGetAsync(host, sessionId, headers, pathGiven);
        return await connection.ReadResponseAsync();
    }

    private static async Task<RawConnection> SendGetAsync(ChatTestHost host, string sessionId, string headers, bool pathGiven)
    {
        var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);
        var path = pathGiven ? $"/chat/{sessionId}" : $"/chat/{sessionId}/events";
        await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: test\r\n{headers}\r\n");
        return connection;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
