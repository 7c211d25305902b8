using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.IntegrationTests.Anthropic.MessagesTestKit;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>Whole <c>POST /v1/messages</c> answers, and the refusals given below the endpoint in Anthropic's shape.</summary>
public sealed class MessagesResponseTests
{
    private const string Hi = """{"model":"test-model","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}""";

    [Fact]
    public async Task AWholeAnswerIsOneMessageWithItsBlocksInOrder()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.ReasoningDelta("Hm"), ProviderEvent.ReasoningDelta("m"),
            ProviderEvent.ReasoningCaptured(new ReasoningItem(ReasoningSource.AnthropicThinking, "Hmm", Signature: "c2ln")),
            ProviderEvent.TextDelta("Let me "), ProviderEvent.TextDelta("look."),
            ProviderEvent.ToolCallStarted(0, "toolu_1", "read"),
            ProviderEvent.ToolCalled(new ToolCallRequest("toolu_1", "read", RawJson.Parse("""{"path":"a"}"""))),
            ProviderEvent.UsageReported(new TokenUsage(20, 7, CacheReadTokens: 5, CacheCreationTokens: 3)));
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.MessageAsync(Hi);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal(
            """{"id":"msg_ID","type":"message","role":"assistant","model":"test-model","content":[{"type":"thinking","thinking":"Hmm","signature":"c2ln"},{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_1","name":"read","input":{"path":"a"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":5,"output_tokens":7}}""",
            Normalize(response.Body));
    }

    [Fact]
    public async Task AFailedTurnIsAnsweredWithItsStatusInAnthropicsShape()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.TextDelta("Par"), ProviderEvent.Failed("Local model 'x' is busy", 503));
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.MessageAsync(Hi);

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("""{"type":"error","error":{"type":"overloaded_error","message":"Local model 'x' is busy"}}""", response.Body);
    }

    [Fact]
    public async Task RefusalsBelowTheEndpointTakeAnthropicsShapeUnderMessagesAndOpenAisElsewhereUnderV1()
    {
        await using var host = await ChatTestHost.StartAsync(http: TestServer.FastOptions with { MaxBodyBytes = 64 });

        var tooLarge = await host.MessageAsync("{\"model\":\"test-model\",\"padding\":\"" + new string('x', 100) + "\"}");
        var unknown = await host.MessageAsync("{}", "/v1/messages/nowhere");
        var openAi = await host.MessageAsync("{}", "/v1/nowhere");

        Assert.Equal(
            (413, """{"type":"error","error":{"type":"request_too_large","message":"Request body too large"}}"""),
            (tooLarge.StatusCode, tooLarge.Body));
        Assert.Equal((404, """{"type":"error","error":{"type":"not_found_error","message":"Not Found"}}"""), (unknown.StatusCode, unknown.Body));
        Assert.Equal(404, openAi.StatusCode);
        Assert.StartsWith("""{"error":{"message":"Not Found",""", openAi.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyIsTakenFromXApiKeyAndAMissingOneIsAnAuthenticationError()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await GatewayTestHost.StartAsync([model], apiKeys: ["sk-gw"]);
        await using var keyed = await host.ConnectAsync();
        await using var unkeyed = await host.ConnectAsync();
        var body = System.Text.Encoding.UTF8.GetBytes(Hi);
        const string Head = "POST /v1/messages HTTP/1.1\r\nHost: test\r\nanthropic-version: 2023-06-01\r\nanthropic-beta: fine-grained-tool-streaming-2025-05-14\r\n";

        await keyed.SendAsync($"{Head}x-api-key: sk-gw\r\nContent-Length: {body.Length}\r\n\r\n");
        await keyed.SendAsync(body);
        await unkeyed.SendAsync($"{Head}Content-Length: {body.Length}\r\n\r\n");
        await unkeyed.SendAsync(body);
        var accepted = await keyed.ReadResponseAsync();
        var refused = await unkeyed.ReadResponseAsync();

        Assert.Equal(200, accepted.StatusCode);
        Assert.Equal(401, refused.StatusCode);
        Assert.Equal(
            """{"type":"error","error":{"type":"authentication_error","message":"Incorrect or missing API key: send 'x-api-key: <key>' or 'Authorization: Bearer <key>' with one of the gateway's keys"}}""",
            refused.Body);
    }
}
