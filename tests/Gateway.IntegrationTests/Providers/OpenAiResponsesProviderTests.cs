using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.OpenAi;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary>OpenAI's Responses API over real HTTP against a scripted upstream: the request body, the stream, a /chat loop.</summary>
public sealed class OpenAiResponsesProviderTests : IDisposable
{
    private static readonly ReasoningItem Reasoning = new(ReasoningSource.OpenAiResponses, "**Checking the weather**", EncryptedContent: "gAAAAABoENC1");

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("whole")]
    [InlineData("bytewise")]
    [InlineData("every13")]
    [InlineData("awkward")]
    public async Task StreamBecomesReasoningTextACallAndUsage(string chunking)
    {
        await using var upstream = FakeUpstream.Start(OpenAiCompatibleProviderTests.Reply(OpenAiResponsesStreamScripts.ReasoningTextAndCall, chunking));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("gpt-5-codex"), default).CollectAsync();

        Assert.Equal(
            [
                ProviderEvent.ReasoningDelta("**Checking the weather**"),
                ProviderEvent.ReasoningCaptured(Reasoning),
                ProviderEvent.TextDelta("Let me look."),
                ProviderEvent.ToolCallStarted(2, "call_1234xyz", "get_weather"),
                ProviderEvent.ToolArgumentsDelta(2, "{\""),
                ProviderEvent.ToolArgumentsDelta(2, "location"),
                ProviderEvent.ToolArgumentsDelta(2, "\":\""),
                ProviderEvent.ToolArgumentsDelta(2, "Paris"),
                ProviderEvent.ToolArgumentsDelta(2, ","),
                ProviderEvent.ToolArgumentsDelta(2, " France"),
                ProviderEvent.ToolArgumentsDelta(2, "\"}"),
                ProviderEvent.ToolCalled(new ToolCallRequest("call_1234xyz", "get_weather", RawJson.Parse("""{"location":"Paris, France"}""")), 2),
                ProviderEvent.Finished(FinishReason.ToolCalls),
                ProviderEvent.UsageReported(new TokenUsage(120, 40, CacheReadTokens: 64)),
            ],
            events);
        var request = Assert.Single(upstream.Requests);
        Assert.Equal(("POST", "/v1/responses", "Bearer sk-test"), (request.Method, request.Target, request.Header("Authorization")));
    }

    [Fact]
    public async Task TheTypeComesFromTheDataWithoutEventLinesAndCrLfEndsLines()
    {
        var script = string.Join("\r\n", OpenAiResponsesStreamScripts.ReasoningTextAndCall.Split('\n').Where(line => !line.StartsWith("event:", StringComparison.Ordinal)));
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(script, Chunking.Awkward));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("gpt-5-codex"), default).CollectAsync();

        Assert.Equal(
            [ProviderEventKind.ReasoningDelta, ProviderEventKind.ReasoningItem, ProviderEventKind.TextDelta, ProviderEventKind.ToolCallStart],
            events.Take(4).Select(e => e.Kind));
        Assert.Equal((ProviderEventKind.Usage, new TokenUsage(120, 40, CacheReadTokens: 64)), (events[^1].Kind, events[^1].Usage));
    }

    [Fact]
    public async Task AnIncompleteResponseEndsWithLength()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiResponsesStreamScripts.Incomplete, Chunking.Awkward));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("gpt-5-codex"), default).CollectAsync();

        Assert.Equal(
            [ProviderEvent.TextDelta("It was a"), ProviderEvent.Finished(FinishReason.Length), ProviderEvent.UsageReported(new TokenUsage(10, 3, CacheReadTokens: 0))],
            events);
    }

    [Theory]
    [InlineData(nameof(OpenAiResponsesStreamScripts.Failed), "openai error: server_error: The model failed.")]
    [InlineData(nameof(OpenAiResponsesStreamScripts.Error), "openai error: rate_limit_exceeded: Slow down.")]
    public async Task AFailedResponseOrAnErrorEventFailsTheTurn(string script, string message)
    {
        var text = script == nameof(OpenAiResponsesStreamScripts.Failed) ? OpenAiResponsesStreamScripts.Failed : OpenAiResponsesStreamScripts.Error;
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(text));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello("gpt-5-codex"), default).CollectAsync();

        Assert.Equal(ProviderEvent.Failed(message), events[^1]);
        Assert.DoesNotContain(events, e => e.Kind == ProviderEventKind.Usage);
    }

    [Fact]
    public async Task AModelThatRefusesReasoningIsAskedAgainWithout()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"error":{"message":"Unsupported parameter: 'reasoning.effort' is not supported with this model.","type":"invalid_request_error","param":"reasoning.effort","code":"unsupported_parameter"}}""", 400, "Bad Request"),
            UpstreamReply.Sse(OpenAiResponsesStreamScripts.Incomplete));
        var request = ProviderTestKit.Hello("gpt-4o") with { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.Low } };

        var events = await Provider(upstream).StreamEventsAsync(request, default).CollectAsync();

        Assert.Equal(
            [ProviderEvent.TextDelta("It was a"), ProviderEvent.Finished(FinishReason.Length), ProviderEvent.UsageReported(new TokenUsage(10, 3, CacheReadTokens: 0))],
            events);
        Assert.Equal(
            [
                """{"model":"gpt-4o","stream":true,"store":false,"include":["reasoning.encrypted_content"],"input":[{"role":"user","content":"Hi"}],"reasoning":{"effort":"low","summary":"auto"}}""",
                """{"model":"gpt-4o","stream":true,"store":false,"input":[{"role":"user","content":"Hi"}]}""",
            ],
            upstream.Requests.Select(r => r.Body));
    }

    [Fact]
    public void TheBodyIsStatelessAndCarriesReasoningCallsAndOutputsAsItems()
    {
        IReadOnlyList<ChatMessage> messages =
        [
            ChatMessage.System("Be brief."),
            new(ChatRole.User, [ContentPart.FromText("Weather here?"), new(ContentPartKind.Image, MediaType: "image/png", Data: "iVBORw0KGgo=", Detail: "low")], []),
            ChatMessage.Assistant("Let me look.", [new ToolCallRequest("call_1", "get_weather", RawJson.Parse("""{"location":"Paris"}"""))], [Reasoning]),
            ChatMessage.ToolResult("call_1", [ContentPart.FromText("Sunny")]),
        ];
        var request = new ModelTurnRequest("gpt-5-codex", messages, [new ToolDefinition("get_weather", "Weather at a place.", RawJson.Parse("""{"type":"object"}"""))])
        {
            SessionId = "0198-session",
            Options = new TurnOptions { MaxTokens = 500, ReasoningEffort = ReasoningEffort.High, ToolChoice = ToolChoice.Named("get_weather"), ParallelToolCalls = false },
        };

        Assert.Equal(
            """
            {"model":"gpt-5-codex","stream":true,"store":false,"include":["reasoning.encrypted_content"],"instructions":"Be brief.","input":[
            {"role":"user","content":[{"type":"input_text","text":"Weather here?"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}]},
            {"type":"reasoning","summary":[{"type":"summary_text","text":"**Checking the weather**"}],"encrypted_content":"gAAAAABoENC1"},
            {"role":"assistant","content":"Let me look."},
            {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"location\":\"Paris\"}"},
            {"type":"function_call_output","call_id":"call_1","output":"Sunny"}],
            "max_output_tokens":500,"reasoning":{"effort":"high","summary":"auto"},"prompt_cache_key":"0198-session",
            "tool_choice":{"type":"function","name":"get_weather"},"parallel_tool_calls":false,
            "tools":[{"type":"function","name":"get_weather","description":"Weather at a place.","parameters":{"type":"object"}}]}
            """.Replace("\n", "", StringComparison.Ordinal),
            Encoding.UTF8.GetString(OpenAiResponsesProvider.WriteRequestBody(request, promptCacheKey: true)));
    }

    [Fact]
    public async Task AChatToolLoopSendsTheEncryptedReasoningBack()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"object":"list","data":[{"id":"gpt-5-codex","object":"model"}]}"""),
            // The same stream, calling the test registry's echo with {"text":"Paris, France"}.
            UpstreamReply.Sse(
                OpenAiResponsesStreamScripts.ReasoningTextAndCall.Replace("get_weather", "echo", StringComparison.Ordinal).Replace("location", "text", StringComparison.Ordinal),
                Chunking.Awkward),
            UpstreamReply.Sse(OpenAiResponsesStreamScripts.Incomplete));
        await using var host = await ChatTestHost.StartAsync(tools: new TestToolRegistry(), moreProviders: [Provider(upstream)]);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"openai/gpt-5-codex","messages":[{"role":"user","content":"say hi"}],"permissions":{"allowlist":[{"tool":"echo"}]},"reasoningEffort":"medium"}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();

        Assert.Equal(["connected", "harness_start", "reasoning", "text", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Contains(
            """
            "input":[{"role":"user","content":"say hi"},{"type":"reasoning","summary":[{"type":"summary_text","text":"**Checking the weather**"}],"encrypted_content":"gAAAAABoENC1"},{"role":"assistant","content":"Let me look."},{"type":"function_call","call_id":"call_1234xyz","name":"echo","arguments":"{\"text\":\"Paris, France\"}"},{"type":"function_call_output","call_id":"call_1234xyz","output":"echo: Paris, France"}],"reasoning":{"effort":"medium","summary":"auto"},
            """,
            upstream.Requests[2].Body,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(
        """{"type":"json_schema","json_schema":{"name":"weather","description":"The unit.","strict":true,"schema":{"type":"object", "properties":{"unit":{"enum":["c","f"]}}}}}""",
        """{"type":"json_schema","name":"weather","description":"The unit.","schema":{"type":"object","properties":{"unit":{"enum":["c","f"]}}},"strict":true}""")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"any"}}""", """{"type":"json_schema","name":"any"}""")]
    [InlineData("""{"type":"json_object"}""", """{"type":"json_object"}""")]
    public async Task AV1ResponseFormatBecomesTheTextFormat(string responseFormat, string textFormat)
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"object":"list","data":[{"id":"gpt-5-codex","object":"model"}]}"""),
            UpstreamReply.Sse(OpenAiResponsesStreamScripts.Incomplete));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(upstream)]);

        var response = await host.CompleteAsync("""{"model":"openai/gpt-5-codex","messages":[{"role":"user","content":"Hi"}],"response_format":""" + responseFormat + "}");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            """{"model":"gpt-5-codex","stream":true,"store":false,"include":["reasoning.encrypted_content"],"input":[{"role":"user","content":"Hi"}],"text":{"format":""" + textFormat + "}}",
            upstream.Requests[1].Body);
    }

    private OpenAiResponsesProvider Provider(FakeUpstream upstream) => new("openai", upstream.Url("/v1"), "sk-test", _http);
}
