using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.IntegrationTests.OpenAi.OpenAiTestKit;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary>Non-streamed <c>POST /v1/chat/completions</c>: one exact <c>chat.completion</c> object, or an exact error.</summary>
public sealed class CompletionResponseTests
{
    private const string Hi = """{"model":"test-model","messages":[{"role":"user","content":"Hi"}]}""";

    [Fact]
    public async Task TextReasoningAndToolCallsBecomeOneMessageWithFinishReasonAndUsage()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.ReasoningDelta("Think"), ProviderEvent.ReasoningDelta("ing"),
            ProviderEvent.TextDelta("Reading "), ProviderEvent.TextDelta("it."),
            ProviderEvent.ToolCalled(new ToolCallRequest("call_1", "read", RawJson.Parse("""{"path":"a.txt"}"""))),
            ProviderEvent.Finished(FinishReason.ToolCalls),
            ProviderEvent.UsageReported(new TokenUsage(12, 7)));
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.CompleteAsync(Hi);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal(
            """{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"test-model","choices":[{"index":0,"message":{"role":"assistant","content":"Reading it.","reasoning_content":"Thinking","tool_calls":[{"id":"call_1","type":"function","function":{"name":"read","arguments":"{\"path\":\"a.txt\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}""",
            Normalize(response.Body));
    }

    [Fact]
    public async Task OnlyToolCallsMeanNullContentAndNoUsageMeansZeros()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.ToolCalled(new ToolCallRequest("call_9", "now", RawJson.EmptyObject)));
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.CompleteAsync(Hi);

        Assert.Equal(
            """{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"test-model","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"now","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}""",
            Normalize(response.Body));
    }

    [Fact]
    public async Task TheModelIsEchoedAsTheCallerNamedIt()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.CompleteAsync("""{"model":"scripted/test-model","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("\"model\":\"scripted/test-model\"", response.Body, StringComparison.Ordinal);
        Assert.Equal("test-model", Assert.Single(model.Requests).Model);
    }

    [Theory]
    [InlineData(429, """{"error":{"message":"upstream returned 429 Too Many Requests: slow down","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""")]
    [InlineData(502, """{"error":{"message":"upstream returned 429 Too Many Requests: slow down","type":"upstream_error","param":null,"code":null}}""")]
    [InlineData(503, """{"error":{"message":"upstream returned 429 Too Many Requests: slow down","type":"server_error","param":null,"code":null}}""")]
    public async Task AFailedTurnIsAnsweredWithItsStatusInOpenAisShape(int status, string body)
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.TextDelta("partial"), ProviderEvent.Failed("upstream returned 429 Too Many Requests: slow down", status));
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.CompleteAsync(Hi);

        Assert.Equal((status, body), (response.StatusCode, response.Body));
    }
}
