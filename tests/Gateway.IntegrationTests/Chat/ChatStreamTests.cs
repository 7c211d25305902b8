using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Chat;

/// <summary>POST /chat end to end: the event stream of SPEC §5 for the simplest sessions.</summary>
public sealed class ChatStreamTests
{
    [Fact]
    public async Task TextOnlyAnswerStreamsTheEventsOfSpecSection5()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("Hello", ", world"));
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "text", "text", "usage", "harness_end"], events.Select(e => e.Name));

        var sessionId = events[0].Field("sessionId");
        Assert.Equal($$"""{"type":"connected","sessionId":"{{sessionId}}"}""", events[0].Data);
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"harness_start","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[1].Data);

        var providerRunId = events[2].Field("runId");
        var textId = events[2].Field("id");
        Assert.NotEqual(runId, providerRunId);
        Assert.Equal($$"""{"type":"text","runId":"{{providerRunId}}","id":"{{textId}}","parentId":"{{runId}}","content":"Hello","agentId":"{{agentId}}"}""", events[2].Data);
        Assert.Equal($$"""{"type":"text","runId":"{{providerRunId}}","id":"{{textId}}","parentId":"{{runId}}","content":", world","agentId":"{{agentId}}"}""", events[3].Data);
        Assert.Equal($$"""{"type":"usage","runId":"{{providerRunId}}","parentId":"{{runId}}","inputTokens":10,"outputTokens":2,"agentId":"{{agentId}}"}""", events[4].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[5].Data);
        Assert.All([sessionId, runId, agentId, providerRunId, textId], id => Assert.Equal(7, Guid.Parse(id!).Version));
    }

    [Fact]
    public async Task ReasoningDeltasCarryTheirOwnStableIdSeparateFromTheText()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.ReasoningDelta("Think"),
            ProviderEvent.ReasoningDelta("ing"),
            ProviderEvent.TextDelta("Answer"),
            ProviderEvent.TextDelta("!"),
            ProviderEvent.UsageReported(new TokenUsage(7, 3, CacheReadTokens: 4)));
        await using var host = await ChatTestHost.StartAsync(model);
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"why?"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "reasoning", "reasoning", "text", "text", "usage", "harness_end"], events.Select(e => e.Name));

        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        var providerRunId = events[2].Field("runId");
        var reasoningId = events[2].Field("id");
        var textId = events[4].Field("id");
        Assert.NotEqual(reasoningId, textId);
        Assert.Equal($$"""{"type":"reasoning","runId":"{{providerRunId}}","id":"{{reasoningId}}","parentId":"{{runId}}","content":"Think","agentId":"{{agentId}}"}""", events[2].Data);
        Assert.Equal($$"""{"type":"reasoning","runId":"{{providerRunId}}","id":"{{reasoningId}}","parentId":"{{runId}}","content":"ing","agentId":"{{agentId}}"}""", events[3].Data);
        Assert.Equal($$"""{"type":"text","runId":"{{providerRunId}}","id":"{{textId}}","parentId":"{{runId}}","content":"Answer","agentId":"{{agentId}}"}""", events[4].Data);
        Assert.Equal($$"""{"type":"text","runId":"{{providerRunId}}","id":"{{textId}}","parentId":"{{runId}}","content":"!","agentId":"{{agentId}}"}""", events[5].Data);
        Assert.Equal($$"""{"type":"usage","runId":"{{providerRunId}}","parentId":"{{runId}}","inputTokens":7,"outputTokens":3,"cacheReadTokens":4,"agentId":"{{agentId}}"}""", events[6].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[7].Data);
        Assert.All([reasoningId, textId], id => Assert.Equal(7, Guid.Parse(id!).Version));
        Assert.True(stream.Ended);
    }

    [Fact]
    public async Task AnEmptyModelFallsBackToDefaultModel()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("ok"), defaultModel: "test-model");
        var (connection, stream) = await host.OpenChatAsync("""{"model":"","messages":[{"role":"user","content":"hi"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "text", "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Equal("test-model", Assert.Single(host.Model.Requests).Model);
    }
}
