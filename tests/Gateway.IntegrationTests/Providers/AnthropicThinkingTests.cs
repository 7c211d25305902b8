using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.Upstream;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary>Anthropic extended thinking: the request's thinking config, thinking blocks captured from the stream and replayed first.</summary>
public sealed class AnthropicThinkingTests : IDisposable
{
    private const string Cache = ""","cache_control":{"type":"ephemeral"}""";
    private const string Thinking = "Let me solve this step by step:\n\n1. First break down 27 * 453";
    private const string Signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...";
    private const string Redacted = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qyHzAvKKHLI/GnyMFEoYBJ0sgvfd4lTlmKNxiaDTcDfZGPDUFbbAsDOEALHEl";

    private static readonly ReasoningItem ThinkingItem = new(ReasoningSource.AnthropicThinking, Thinking, Signature);
    private static readonly ReasoningItem RedactedItem = new(ReasoningSource.AnthropicRedacted, null, RedactedData: Redacted);

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("whole")]
    [InlineData("bytewise")]
    [InlineData("every13")]
    [InlineData("awkward")]
    public async Task ThinkingAndRedactedBlocksAreCapturedWithTheirSignatureAndData(string chunking)
    {
        await using var upstream = FakeUpstream.Start(OpenAiCompatibleProviderTests.Reply(AnthropicStreamScripts.ThinkingThenToolCall, chunking));
        var provider = new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http);

        var events = await provider.StreamEventsAsync(ProviderTestKit.Hello("claude-test"), default).CollectAsync();

        Assert.Equal(
            [
                ProviderEvent.ReasoningDelta(Thinking),
                ProviderEvent.ReasoningCaptured(ThinkingItem),
                ProviderEvent.ReasoningCaptured(RedactedItem),
                ProviderEvent.ToolCallStarted(2, "toolu_9", "echo"),
                ProviderEvent.ToolArgumentsDelta(2, """{"text": "hi"}"""),
                ProviderEvent.ToolCalled(new ToolCallRequest("toolu_9", "echo", RawJson.Parse("""{"text":"hi"}""")), 2),
                ProviderEvent.Finished(FinishReason.ToolCalls),
                ProviderEvent.UsageReported(new TokenUsage(12, 30, CacheReadTokens: 2048, CacheCreationTokens: 1500)),
            ],
            events);
    }

    [Theory]
    [InlineData("low", 1024)]
    [InlineData("medium", 4096)]
    [InlineData("high", 16384)]
    public void EachEffortHasItsBudgetOnTopOfTheAnswersTokensAndDropsTemperature(string effort, int budget)
    {
        var request = ProviderTestKit.Hello("m") with
        {
            Options = new TurnOptions { ReasoningEffort = ReasoningEffortNames.Parse(effort), Temperature = 0.3, TopP = 0.5, MaxTokens = 100 },
        };

        Assert.Equal(
            $$"""{"model":"m","max_tokens":{{100 + budget}},"stream":true,"thinking":{"type":"enabled","budget_tokens":{{budget}}},"messages":[{"role":"user","content":[{"type":"text","text":"Hi"{{Cache}}}]}]}""",
            Body(request));
    }

    [Fact]
    public void ATopPOfAtLeast095StaysWithThinking()
    {
        var request = ProviderTestKit.Hello("m") with { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.Low, TopP = 0.97 } };

        Assert.Equal(
            $$"""{"model":"m","max_tokens":9216,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},"top_p":0.97,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"{{Cache}}}]}]}""",
            Body(request));
    }

    [Theory]
    [InlineData("required", """{"type":"any"}""")]
    [InlineData("read", """{"type":"tool","name":"read"}""")]
    public void ATurnThatMustCallAToolDoesNotThink(string choice, string anthropicChoice)
    {
        var toolChoice = choice == "required" ? new ToolChoice(ToolChoiceMode.Required) : ToolChoice.Named(choice);
        var request = new ModelTurnRequest("m", [ChatMessage.User("Hi")], [Read]) { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.High, ToolChoice = toolChoice, Temperature = 0.5 } };

        Assert.Equal(
            $$"""{"model":"m","max_tokens":8192,"stream":true,"temperature":0.5,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"{{Cache}}}]}],"tool_choice":{{anthropicChoice}},"tools":[{{ReadJson}}]}""",
            Body(request));
    }

    [Fact]
    public void ThinkingBlocksGoFirstAndUnmodifiedInTheirAssistantMessage()
    {
        var request = new ModelTurnRequest("m", ToolLoop(ThinkingItem, RedactedItem), [Read]) { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.Low } };

        Assert.Equal(
            $$$"""
            {"model":"m","max_tokens":9216,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[
            {"role":"user","content":[{"type":"text","text":"Read a.txt"{{{Cache}}}}]},
            {"role":"assistant","content":[{"type":"thinking","thinking":"Let me solve this step by step:\n\n1. First break down 27 * 453","signature":"{{{Signature}}}"},{"type":"redacted_thinking","data":"{{{Redacted}}}"},{"type":"text","text":"Reading."},{"type":"tool_use","id":"toolu_1","name":"read","input":{"filePath":"a.txt"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"hello"{{{Cache}}}}]}],
            "tools":[{{{ReadJson}}}]}
            """.Replace("\n", "", StringComparison.Ordinal),
            Body(request));
    }

    [Fact]
    public void WithoutThinkingTheBlocksAreLeftOut()
    {
        // The API refuses thinking blocks in a request that does not think.
        var request = new ModelTurnRequest("m", ToolLoop(ThinkingItem), [Read]);

        Assert.DoesNotContain("thinking", Body(request), StringComparison.Ordinal);
    }

    [Fact]
    public void ALoopThatBeganWithoutThinkingGoesOnWithoutIt()
    {
        // A /v1 caller cannot send signatures, and a forced first turn did not think: the API refuses to start mid-loop.
        var request = new ModelTurnRequest("m", ToolLoop(), [Read]) { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.High } };

        Assert.StartsWith("""{"model":"m","max_tokens":8192,"stream":true,"messages":""", Body(request), StringComparison.Ordinal);
    }

    [Fact]
    public void ANewUserMessageStartsANewLoopThatThinks()
    {
        IReadOnlyList<ChatMessage> messages = [.. ToolLoop(), ChatMessage.Assistant("It says hello.", []), ChatMessage.User("Thanks")];
        var request = new ModelTurnRequest("m", messages, [Read]) { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.Medium } };

        Assert.Contains(""","thinking":{"type":"enabled","budget_tokens":4096},""", Body(request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChatToolLoopSendsTheThinkingBackAndCountsTheCache()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"data":[{"type":"model","id":"claude-test"}],"has_more":false}"""),
            UpstreamReply.Sse(AnthropicStreamScripts.ThinkingThenToolCall, Chunking.Awkward),
            UpstreamReply.Sse(AnthropicStreamScripts.CachedText));
        await using var host = await ChatTestHost.StartAsync(
            tools: new TestToolRegistry(), moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"anthropic/claude-test","messages":[{"role":"user","content":"say hi"}],"permissions":{"allowlist":[{"tool":"echo"}]},
             "reasoningEffort":"low","maxDepth":0}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();

        Assert.Equal(["connected", "harness_start", "reasoning", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Equal(3, upstream.Requests.Count);
        using var second = System.Text.Json.JsonDocument.Parse(upstream.Requests[2].Body);
        Assert.Equal(
            $$$"""
            [{"role":"user","content":[{"type":"text","text":"say hi"{{{Cache}}}}]},
            {"role":"assistant","content":[{"type":"thinking","thinking":"Let me solve this step by step:\n\n1. First break down 27 * 453","signature":"{{{Signature}}}"},{"type":"redacted_thinking","data":"{{{Redacted}}}"},{"type":"tool_use","id":"toolu_9","name":"echo","input":{"text":"hi"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"echo: hi"{{{Cache}}}}]}]
            """.Replace("\n", "", StringComparison.Ordinal),
            second.RootElement.GetProperty("messages").GetRawText());
        Assert.Equal("""{"type":"enabled","budget_tokens":1024}""", second.RootElement.GetProperty("thinking").GetRawText());
        // The last tool, and the two messages above: /chat adds no system text.
        Assert.Equal(3, upstream.Requests[2].Body.Split("cache_control").Length - 1);

        var metrics = (await host.Host.GetAsync("/metrics")).Body;
        Assert.Contains("""gateway_tokens_total{provider="anthropic",model="claude-test",kind="cache_read"} 5596""", metrics, StringComparison.Ordinal);
        Assert.Contains("""gateway_tokens_total{provider="anthropic",model="claude-test",kind="cache_write"} 1540""", metrics, StringComparison.Ordinal);
    }

    private static readonly ToolDefinition Read =
        new("read", "Reads a file.", RawJson.Parse("""{"type":"object","properties":{"filePath":{"type":"string"}},"required":["filePath"]}"""));

    private const string ReadJson =
        """{"name":"read","description":"Reads a file.","input_schema":{"type":"object","properties":{"filePath":{"type":"string"}},"required":["filePath"]},"cache_control":{"type":"ephemeral"}}""";

    /// <summary>A user's question, an assistant turn (with these reasoning items) that calls read, and its result.</summary>
    private static IReadOnlyList<ChatMessage> ToolLoop(params ReasoningItem[] reasoning) =>
    [
        ChatMessage.User("Read a.txt"),
        ChatMessage.Assistant("Reading.", [new ToolCallRequest("toolu_1", "read", RawJson.Parse("""{"filePath":"a.txt"}"""))], reasoning),
        ChatMessage.ToolResult("toolu_1", [ContentPart.FromText("hello")]),
    ];

    private static string Body(ModelTurnRequest request) => Encoding.UTF8.GetString(AnthropicProvider.WriteRequestBody(request));
}
