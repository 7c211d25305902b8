using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>/chat's toolChoice and reasoningEffort (SPEC §3), and what reaches each model turn: options, session id, reasoning items.</summary>
public sealed class ChatTurnOptionsTests
{
    private const string BadToolChoice = """toolChoice must be \"auto\", \"required\", \"none\" or the name of a tool""";
    private const string BadReasoningEffort = "reasoningEffort must be \\\"low\\\", \\\"medium\\\" or \\\"high\\\"";

    public static TheoryData<string, string> Refusals => new()
    {
        { "\"toolChoice\":\"nope\"", BadToolChoice },
        { "\"toolChoice\":\"\"", BadToolChoice },
        { "\"toolChoice\":7", BadToolChoice },
        { "\"toolChoice\":{\"name\":\"echo\"}", BadToolChoice },
        // maxDepth 0: the root agent is not offered the agent tool (SPEC §6).
        { "\"toolChoice\":\"agent\",\"maxDepth\":0", BadToolChoice },
        { "\"reasoningEffort\":\"extreme\"", BadReasoningEffort },
        { "\"reasoningEffort\":2", BadReasoningEffort },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadValuesAreRefusedBeforeStreaming(string fields, string error)
    {
        await using var host = await ChatTestHost.StartAsync(tools: new TestToolRegistry());
        var response = await host.PostForResponseAsync("/chat", $$"""{"model":"test-model","messages":[{"role":"user","content":"hi"}],{{fields}}}""");

        Assert.Equal((400, $$"""{"error":"{{error}}"}"""), (response.StatusCode, response.Body));
        Assert.Empty(host.Model.Requests);
    }

    [Theory]
    [InlineData("required")]
    [InlineData("echo")]
    public async Task AModelThatCallsNoToolsCannotBeMadeToCallOne(string toolChoice)
    {
        var model = new ScriptedModelProvider { CallsTools = false };
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var response = await host.PostForResponseAsync("/chat", $$"""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"toolChoice":"{{toolChoice}}"}""");

        Assert.Equal(
            (400, """{"error":"The model 'test-model' does not call tools, so toolChoice cannot require a call"}"""),
            (response.StatusCode, response.Body));
        Assert.Empty(model.Requests);
    }

    [Fact]
    public async Task ToolChoiceBindsTheFirstTurnAndReasoningEffortEveryTurnOfTheSession()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("call_1", "echo", """{"text":"hi"}""")).ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"say hi"}],"permissions":{"allowlist":[{"tool":"echo"}]},
             "toolChoice":"echo","reasoningEffort":"high"}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        var sessionId = events[0].Field("sessionId");
        Assert.Equal(
            [
                (ToolChoice.Named("echo"), (ReasoningEffort?)ReasoningEffort.High, sessionId),
                (new ToolChoice(ToolChoiceMode.Auto), ReasoningEffort.High, sessionId),
            ],
            model.Requests.Select(r => (r.Options.ToolChoice, r.Options.ReasoningEffort, r.SessionId)));
    }

    [Theory]
    [InlineData("required", "Required")]
    [InlineData("none", "None")]
    [InlineData("auto", "Auto")]
    [InlineData("agent", "Function")]
    public async Task EachToolChoiceReachesTheFirstTurn(string toolChoice, string mode)
    {
        var model = new ScriptedModelProvider().ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync($$"""
            {"model":"test-model","messages":[{"role":"user","content":"hi"}],"toolChoice":"{{toolChoice}}"}
            """);
        await using var _ = connection;

        await stream.ReadAllEventsAsync();
        var options = Assert.Single(model.Requests).Options;
        Assert.Equal((mode, (ReasoningEffort?)null), (options.ToolChoice.Mode.ToString(), options.ReasoningEffort));
    }

    [Fact]
    public async Task ReasoningItemsGoBackWithTheAssistantMessageTheyPreceded()
    {
        var thinking = new ReasoningItem(ReasoningSource.AnthropicThinking, "Let me think.", Signature: "sig-1");
        var redacted = new ReasoningItem(ReasoningSource.AnthropicRedacted, null, RedactedData: "opaque");
        var model = new ScriptedModelProvider()
            .Then(
                ProviderEvent.ReasoningCaptured(thinking),
                ProviderEvent.ReasoningCaptured(redacted),
                ProviderEvent.ToolCalled(Call("call_1", "echo", """{"text":"hi"}""")),
                ProviderEvent.UsageReported(new TokenUsage(5, 1)))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"say hi"}],"permissions":{"allowlist":[{"tool":"echo"}]}}
            """);
        await using var _ = connection;

        await stream.ReadAllEventsAsync();
        var history = model.Requests.ToArray()[1].Messages;
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], history.Select(m => m.Role));
        Assert.Equal([thinking, redacted], history[1].Reasoning);
        Assert.Empty(history[0].Reasoning);
    }
}
