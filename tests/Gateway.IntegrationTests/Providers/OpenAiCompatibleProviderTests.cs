using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary>OpenAI-compatible streaming over real HTTP against a scripted upstream, split at awkward byte boundaries.</summary>
public sealed class OpenAiCompatibleProviderTests : IDisposable
{
    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("whole")]
    [InlineData("bytewise")]
    [InlineData("every13")]
    [InlineData("awkward")]
    public async Task TextStreamBecomesTextDeltasThenUsage(string chunking)
    {
        await using var upstream = FakeUpstream.Start(Reply(OpenAiStreamScripts.Text, chunking));
        var provider = Provider(upstream);

        var events = await provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(
            [
                ProviderEvent.TextDelta("Hel"),
                ProviderEvent.TextDelta("lo, wörld 🙂 \"quoted\""),
                ProviderEvent.Finished(FinishReason.Stop),
                ProviderEvent.UsageReported(new TokenUsage(9, 3, CacheReadTokens: 4)),
            ],
            events);
        var request = Assert.Single(upstream.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Target);
        Assert.Equal("Bearer sk-test", request.Header("Authorization"));
        Assert.Equal("text/event-stream", request.Header("Accept"));
        Assert.Equal("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task ReasoningContentAndReasoningBecomeReasoningDeltasOncePerChunk()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.Reasoning, Chunking.Every(5)));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(
            [
                ProviderEvent.ReasoningDelta("Think"),
                ProviderEvent.ReasoningDelta("ing…"),
                ProviderEvent.ReasoningDelta(" more"),
                ProviderEvent.TextDelta("Answer"),
                ProviderEvent.Finished(FinishReason.Stop),
            ],
            events);
    }

    [Theory]
    [InlineData("whole")]
    [InlineData("bytewise")]
    [InlineData("awkward")]
    public async Task ParallelToolCallsAreAssembledByIndexAndEmittedInOrder(string chunking)
    {
        await using var upstream = FakeUpstream.Start(Reply(OpenAiStreamScripts.ParallelToolCalls, chunking));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        // Each call's start and argument pieces as they arrive; the whole calls in index order at the finish; no usage
        // chunk upstream, so no Usage event.
        Assert.Equal(
            [
                ProviderEvent.ToolCallStarted(0, "call_a", "read"),
                ProviderEvent.ToolArgumentsDelta(0, "{\"filePath\":"),
                ProviderEvent.ToolCallStarted(1, "call_b", "now"),
                ProviderEvent.ToolCallStarted(2, "call_c", "bash"),
                ProviderEvent.ToolArgumentsDelta(2, "{\"command\":\"l"),
                ProviderEvent.ToolArgumentsDelta(0, " \"docs/a b.txt\"}"),
                ProviderEvent.ToolArgumentsDelta(2, "s -la\"}"),
                ProviderEvent.ToolCalled(new ToolCallRequest("call_a", "read", RawJson.Parse("""{"filePath":"docs/a b.txt"}""")), 0),
                ProviderEvent.ToolCalled(new ToolCallRequest("call_b", "now", RawJson.EmptyObject), 1),
                ProviderEvent.ToolCalled(new ToolCallRequest("call_c", "bash", RawJson.Parse("""{"command":"ls -la"}""")), 2),
                ProviderEvent.Finished(FinishReason.ToolCalls),
            ],
            events);
    }

    [Fact]
    public async Task ToolCallFragmentsWithoutIndexAreGroupedById()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.ToolCallsWithoutIndex));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(
            [
                ProviderEvent.ToolCallStarted(0, "call_1", "read"),
                ProviderEvent.ToolArgumentsDelta(0, "{\"filePath\":"),
                ProviderEvent.ToolArgumentsDelta(0, "\"x\"}"),
                ProviderEvent.ToolCallStarted(1, "call_2", "now"),
                ProviderEvent.ToolArgumentsDelta(1, "{}"),
                ProviderEvent.ToolCalled(new ToolCallRequest("call_1", "read", RawJson.Parse("""{"filePath":"x"}""")), 0),
                ProviderEvent.ToolCalled(new ToolCallRequest("call_2", "now", RawJson.EmptyObject), 1),
                ProviderEvent.Finished(FinishReason.ToolCalls),
            ],
            events);
    }

    [Fact]
    public async Task ArgumentsThatAreNotAJsonObjectAreKeptAsInvalidArguments()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.InvalidArguments));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(
            [
                ProviderEvent.ToolCalled(new ToolCallRequest("call_x", "bash", RawJson.EmptyObject) { InvalidArguments = "{\"command\": \"ls" }, 0),
                ProviderEvent.ToolCalled(new ToolCallRequest("call_y", "read", RawJson.EmptyObject) { InvalidArguments = "[1,2]" }, 1),
                ProviderEvent.Finished(FinishReason.ToolCalls),
            ],
            events.Where(e => e.Kind is not (ProviderEventKind.ToolCallStart or ProviderEventKind.ToolArguments)));
    }

    [Fact]
    public async Task ErrorObjectInTheStreamEndsTheTurnWithOneFailedEvent()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.MidStreamError));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal([ProviderEvent.TextDelta("Par"), ProviderEvent.Failed("test error: Provider disconnected")], events);
    }

    [Fact]
    public async Task ModelsAreListedFromDataIds()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(
            """{"object":"list","data":[{"id":"gpt-4o","object":"model","owned_by":"openai"},{"id":"o3-mini","object":"model"}]}"""));

        var models = await Provider(upstream).ListModelsAsync(default);

        Assert.Equal(["gpt-4o", "o3-mini"], models);
        var request = Assert.Single(upstream.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/models", request.Target);
        Assert.Equal("Bearer sk-test", request.Header("Authorization"));
    }

    [Fact]
    public async Task WithoutAKeyNoAuthorizationHeaderIsSent()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json("""{"data":[{"id":"local"}]}"""));
        var provider = new OpenAiCompatibleProvider("local-llama", upstream.Url("/v1/"), apiKey: null, _http);

        Assert.Equal(["local"], await provider.ListModelsAsync(default));
        Assert.Null(Assert.Single(upstream.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task ListingFailureThrowsWithStatusAndBody()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json("""{"error":"bad key"}""", 401, "Unauthorized"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Provider(upstream).ListModelsAsync(default));

        Assert.Equal("""test returned 401 Unauthorized: {"error":"bad key"}""", error.Message);
    }

    private OpenAiCompatibleProvider Provider(FakeUpstream upstream) => new("test", upstream.Url("/v1"), "sk-test", _http);

    /// <summary>
    /// The script split as named, a pause between pieces so each arrives in its own read; byte by byte without
    /// pauses (TCP then coalesces some pieces; <see cref="SseReaderTests"/> covers every split deterministically).
    /// </summary>
    internal static UpstreamReply Reply(string script, string chunking) => UpstreamReply.Sse(script, chunking switch
    {
        "whole" => Chunking.Whole,
        "bytewise" => Chunking.Every(1),
        "every13" => Chunking.Every(13),
        "awkward" => Chunking.Awkward,
        _ => throw new ArgumentOutOfRangeException(nameof(chunking)),
    }) with { PieceDelay = chunking == "bytewise" ? TimeSpan.Zero : TimeSpan.FromMilliseconds(1) };
}
