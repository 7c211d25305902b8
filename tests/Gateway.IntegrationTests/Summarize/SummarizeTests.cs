using System.Diagnostics;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Mock;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Summarize;

/// <summary>POST /summarize end to end (SPEC §3): /chat's refusals, then connected and one plain model call's events.</summary>
public sealed class SummarizeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    public static TheoryData<string, int, string> Refusals => new()
    {
        { "not json", 400, "Invalid JSON body" },
        { """{"sourceIds":["abc"]}""", 400, "model and messages are required" },
        { """{"model":7,"messages":[{"role":"user","content":"hi"}]}""", 400, "model must be a string" },
        { """{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", 404, "Model not found: nope" },
        { """{"model":"test-model","messages":[{"role":"user","content":"hi"},{"role":"robot","content":"x"}]}""", 400, "messages[1].role must be one of system, user, assistant, tool" },
        { """{"model":"test-model","messages":["hi"]}""", 400, "messages[0] must be an object" },
        { """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"sourceIds":"abc"}""", 400, "sourceIds must be an array of strings" },
        { """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"sourceIds":["a",1]}""", 400, "sourceIds must be an array of strings" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusesAsChatDoesBeforeStreaming(string body, int status, string error)
    {
        await using var host = await ChatTestHost.StartAsync();
        var response = await host.PostForResponseAsync("/summarize", body);

        Assert.Equal((status, "application/json"), (response.StatusCode, response.Header("Content-Type")));
        Assert.Equal($$"""{"error":"{{error}}"}""", response.Body);
        Assert.Empty(host.Model.Requests);
    }

    [Fact]
    public async Task StreamsConnectedWithTheSourceIdsThenTheSummaryCallsEvents()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("They agreed", "."));
        var (connection, stream) = await OpenAsync(host, """
            {"model":"test-model","messages":[{"role":"user","content":"hello"},{"role":"assistant","content":"hi there"}],"sourceIds":["s1","s2"]}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "text", "text", "usage"], events.Select(e => e.Name));
        var sessionId = events[0].Field("sessionId");
        var runId = events[1].Field("runId");
        var textId = events[1].Field("id");
        Assert.Equal($$"""{"type":"connected","sessionId":"{{sessionId}}","sourceIds":["s1","s2"]}""", events[0].Data);
        Assert.Equal($$"""{"type":"text","runId":"{{runId}}","id":"{{textId}}","content":"They agreed"}""", events[1].Data);
        Assert.Equal($$"""{"type":"text","runId":"{{runId}}","id":"{{textId}}","content":"."}""", events[2].Data);
        Assert.Equal($$"""{"type":"usage","runId":"{{runId}}","inputTokens":10,"outputTokens":2}""", events[3].Data);
        Assert.All([sessionId, runId, textId], id => Assert.Equal(7, Guid.Parse(id!).Version));
        Assert.True(stream.Ended);

        var request = Assert.Single(host.Model.Requests);
        Assert.Equal("test-model", request.Model);
        Assert.Empty(request.Tools);
        Assert.Equal(
            [(ChatRole.System, SummaryPrompt.Instruction), (ChatRole.User, "[user]: hello\n[assistant]: hi there")],
            request.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task TheMockModelSummarisesWithCountedUsage()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [MockModels.Provider(tokens: 3)]);
        var (connection, stream) = await OpenAsync(host, MockModels.Ask("hello"));
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "text", "text", "text", "usage"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var textId = events[1].Field("id");
        Assert.All(events[1..4], e => Assert.Equal($$"""{"type":"text","runId":"{{runId}}","id":"{{textId}}","content":{{e.Json.GetProperty("content").GetRawText()}}}""", e.Data));
        Assert.Equal(3, MockModels.TextOf(events).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        // One input token per word: the instruction's 18 and the transcript's "[user]: hello".
        Assert.Equal($$"""{"type":"usage","runId":"{{runId}}","inputTokens":20,"outputTokens":3}""", events[4].Data);
    }

    [Fact]
    public void TheInstructionIsTheReplacedApisWordForWord() =>
        Assert.Equal(
            "Summarize the following conversation concisely. Preserve key decisions, conclusions, and important details. Output only the summary, no preamble.",
            SummaryPrompt.Instruction);

    [Fact]
    public async Task ContentThatIsNotAStringShowsAsItsJsonAndToolCallsAreNotShown()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("ok"), defaultModel: "test-model");
        var (connection, stream) = await OpenAsync(host, """
            {"messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":[ {"type":"text", "text":"look at \"this\" é"} ]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"c1","name":"bash","arguments":{"command":"ls"}}]},
              {"role":"tool","tool_call_id":"c1","content":"a.txt"}]}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "text", "usage"], events.Select(e => e.Name));
        Assert.Equal($$"""{"type":"connected","sessionId":"{{events[0].Field("sessionId")}}","sourceIds":[]}""", events[0].Data);
        var request = Assert.Single(host.Model.Requests);
        Assert.Equal("test-model", request.Model);
        Assert.Equal(
            "[system]: be brief\n[user]: [{\"type\":\"text\",\"text\":\"look at \\\"this\\\" é\"}]\n[assistant]: null\n[tool]: a.txt",
            request.Messages[1].Text);
    }

    [Fact]
    public async Task AProviderErrorIsAnErrorEventWithTheCallsRunId()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().Then(ProviderEvent.TextDelta("Partial"), ProviderEvent.Failed("upstream broke")));
        var (connection, stream) = await OpenAsync(host, """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "text", "error"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        Assert.Equal($$"""{"type":"error","runId":"{{runId}}","message":"upstream broke"}""", events[2].Data);
        Assert.True(stream.Ended);
    }

    [Fact]
    public async Task NoSessionIsRegisteredAndDisconnectingCancelsTheModelCall()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenHang("Sum"));
        var (connection, stream) = await OpenAsync(host, """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""");
        var head = await stream.ReadUntilAsync("text");
        var sessionId = head[0].Field("sessionId");
        Assert.Equal((0, 0), (host.Host.Sessions.Count, host.Host.Orchestrators.Rented));

        var relay = await host.AnswerRelayAsync(Ids.New(), $$$"""{"sessionId":"{{{sessionId}}}","response":{"approved":true}}""");
        Assert.Equal((404, """{"error":"Session not found"}"""), (relay.StatusCode, relay.Body));

        var clock = Stopwatch.StartNew();
        await connection.DisposeAsync();
        await host.Model.Cancelled.WaitAsync(Limit);
        Assert.True(clock.Elapsed < Limit, $"Took {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task OnlyPostIsRouted()
    {
        await using var host = await ChatTestHost.StartAsync();
        var response = await host.Host.GetAsync("/summarize");

        Assert.Equal("HTTP/1.1 405 Method Not Allowed", response.StatusLine);
        Assert.Equal("POST", response.Header("Allow"));
    }

    private static async Task<(RawConnection Connection, EventStreamReader Events)> OpenAsync(ChatTestHost host, string json)
    {
        var connection = await host.PostAsync("/summarize", json);
        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Equal((200, "text/event-stream"), (head.StatusCode, head.Header("Content-Type")));
        return (connection, new EventStreamReader(connection));
    }
}
