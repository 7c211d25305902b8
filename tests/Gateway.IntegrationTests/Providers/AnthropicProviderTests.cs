using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.Upstream;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary>Anthropic Messages streaming over real HTTP against a scripted upstream.</summary>
public sealed class AnthropicProviderTests : IDisposable
{
    private static readonly ProviderEvent[] FullEvents =
    [
        ProviderEvent.ReasoningDelta("Let me think…"),
        ProviderEvent.ReasoningCaptured(new ReasoningItem(ReasoningSource.AnthropicThinking, "Let me think…", "EqQBCgIYAhIM")),
        ProviderEvent.TextDelta("Hel"),
        ProviderEvent.TextDelta("lo 🙂"),
        ProviderEvent.ToolCallStarted(2, "toolu_1", "bash"),
        ProviderEvent.ToolArgumentsDelta(2, "{\"command\": \"ls"),
        ProviderEvent.ToolArgumentsDelta(2, " -la\"}"),
        ProviderEvent.ToolCalled(new ToolCallRequest("toolu_1", "bash", RawJson.Parse("""{"command":"ls -la"}""")), 2),
        ProviderEvent.ToolCallStarted(3, "toolu_2", "now"),
        ProviderEvent.ToolCalled(new ToolCallRequest("toolu_2", "now", RawJson.EmptyObject), 3),
        ProviderEvent.Finished(FinishReason.ToolCalls),
        ProviderEvent.UsageReported(new TokenUsage(25, 42, CacheReadTokens: 10, CacheCreationTokens: 7)),
    ];

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("whole")]
    [InlineData("bytewise")]
    [InlineData("every13")]
    [InlineData("awkward")]
    public async Task StreamBecomesReasoningTextToolCallsAndUsage(string chunking)
    {
        await using var upstream = FakeUpstream.Start(OpenAiCompatibleProviderTests.Reply(AnthropicStreamScripts.Full, chunking));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("claude-test"), default).CollectAsync();

        Assert.Equal(FullEvents, events);
        var request = Assert.Single(upstream.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/messages", request.Target);
        Assert.Equal("sk-ant-test", request.Header("x-api-key"));
        Assert.Equal("2023-06-01", request.Header("anthropic-version"));
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public async Task CrLfLineEndsAndMissingEventLinesAreUnderstood()
    {
        // Without "event:" lines the type comes from the data; CRLF is as valid a line end as LF.
        var script = string.Join("\r\n", AnthropicStreamScripts.Full.Split('\n').Where(line => !line.StartsWith("event:", StringComparison.Ordinal)));
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(script, Chunking.Awkward));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("claude-test"), default).CollectAsync();

        Assert.Equal(FullEvents, events);
    }

    [Fact]
    public async Task ErrorEventFailsTheTurnAfterWhatCameBefore()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(AnthropicStreamScripts.Overloaded));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("claude-test"), default).CollectAsync();

        Assert.Equal([ProviderEvent.TextDelta("Hi"), ProviderEvent.Failed("claude error: overloaded_error: Overloaded")], events);
    }

    [Fact]
    public async Task OverloadedStatusIsRetried()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", 529, "Overloaded"),
            UpstreamReply.Sse(AnthropicStreamScripts.Full));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("claude-test"), default).CollectAsync();

        Assert.Equal(FullEvents, events);
        Assert.Equal(2, upstream.Requests.Count);
    }

    [Fact]
    public async Task ModelsAreListedFromDataIds()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(
            """{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"},{"type":"model","id":"claude-haiku-4-5"}],"has_more":false,"first_id":"claude-sonnet-4-5","last_id":"claude-haiku-4-5"}"""));

        var models = await Provider(upstream).ListModelsAsync(default);

        Assert.Equal(["claude-sonnet-4-5", "claude-haiku-4-5"], models);
        var request = Assert.Single(upstream.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/models?limit=1000", request.Target);
        Assert.Equal("sk-ant-test", request.Header("x-api-key"));
        Assert.Equal("2023-06-01", request.Header("anthropic-version"));
    }

    private AnthropicProvider Provider(FakeUpstream upstream) => new("claude", upstream.Url(), "sk-ant-test", _http);
}
