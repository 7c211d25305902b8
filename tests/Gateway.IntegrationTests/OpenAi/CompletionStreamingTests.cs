using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.IntegrationTests.OpenAi.OpenAiTestKit;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary>Streamed <c>POST /v1/chat/completions</c>: the exact chunks, in OpenAI's order, for what the model produced.</summary>
public sealed class CompletionStreamingTests
{
    private const string Hi = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"Hi"}]""";

    [Fact]
    public async Task TextStreamsAsRoleThenContentDeltasThenFinishThenUsageThenDone()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.TextDelta("Hel"), ProviderEvent.TextDelta("lo \"wörld\" 🙂"), ProviderEvent.Finished(FinishReason.Stop),
            ProviderEvent.UsageReported(new TokenUsage(10, 2, CacheReadTokens: 4)));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamAsync(Hi + ""","stream_options":{"include_usage":true}}""");

        Assert.Equal(200, head.StatusCode);
        Assert.Equal("text/event-stream", head.Header("Content-Type"));
        Assert.Equal("no-cache", head.Header("Cache-Control"));
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", "null")
            + Chunk("""{"index":0,"delta":{"content":"Hel"},"finish_reason":null}""", "null")
            + Chunk("""{"index":0,"delta":{"content":"lo \"wörld\" 🙂"},"finish_reason":null}""", "null")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""", "null")
            + "data: {\"id\":\"chatcmpl-ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"test-model\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12,\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n"
            + "data: [DONE]\n\n",
            Normalize(body));
    }

    [Fact]
    public async Task ToolCallsStreamWholeByIndexAndFinishWithToolCallsWithoutUsageUnlessAsked()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.TextDelta("Let me look."),
            ProviderEvent.ToolCalled(new ToolCallRequest("call_1", "read", RawJson.Parse("""{"path":"a b.txt"}"""))),
            ProviderEvent.ToolCalled(new ToolCallRequest("call_2", "now", RawJson.EmptyObject) { InvalidArguments = "{\"tz\":" }),
            ProviderEvent.UsageReported(new TokenUsage(5, 9)));
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamAsync(Hi + "}");

        // No Finish event from the provider: calls mean tool_calls. Arguments that were not JSON go back as the model wrote them.
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"content":"Let me look."},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read","arguments":"{\"path\":\"a b.txt\"}"}}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"now","arguments":"{\"tz\":"}}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"tool_calls"}""")
            + "data: [DONE]\n\n",
            Normalize(body));
    }

    [Fact]
    public async Task ReasoningStreamsAsReasoningContentAndLengthIsReported()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.ReasoningDelta("Hmm"), ProviderEvent.TextDelta("Yes"), ProviderEvent.Finished(FinishReason.Length));
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamAsync(Hi + "}");

        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"reasoning_content":"Hmm"},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{"content":"Yes"},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"length"}""")
            + "data: [DONE]\n\n",
            Normalize(body));
    }

    [Fact]
    public async Task AFailureAfterTheStreamStartedEndsItWithAnErrorChunkAndNoDone()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.TextDelta("Par"), ProviderEvent.Failed("upstream stream ended before completion"));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamAsync(Hi + ""","stream_options":{"include_usage":true}}""");

        Assert.Equal(200, head.StatusCode);
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", "null")
            + Chunk("""{"index":0,"delta":{"content":"Par"},"finish_reason":null}""", "null")
            + """data: {"error":{"message":"upstream stream ended before completion","type":"upstream_error","param":null,"code":null}}""" + "\n\n",
            Normalize(body));
    }

    [Theory]
    [InlineData(429, "rate_limit_error", "\"rate_limit_exceeded\"")]
    [InlineData(504, "upstream_error", "null")]
    [InlineData(400, "invalid_request_error", "null")]
    public async Task AFailureBeforeTheFirstEventIsAnsweredWithItsOwnStatus(int status, string type, string code)
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.Failed("upstream said no", status));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamAsync(Hi + "}");

        Assert.Equal(status, head.StatusCode);
        Assert.Equal("application/json", head.Header("Content-Type"));
        Assert.Equal($$"""{"error":{"message":"upstream said no","type":"{{type}}","param":null,"code":{{code}}""" + "}}", body);
    }

    [Fact]
    public async Task AnEmptyTurnStillStreamsRoleFinishAndDone()
    {
        var model = new ScriptedModelProvider().Then();
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamAsync(Hi + ""","stream_options":{"include_usage":true}}""");

        // Usage is always reported when asked for: zeros when the provider gave none.
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", "null")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""", "null")
            + "data: {\"id\":\"chatcmpl-ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"test-model\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}}\n\n"
            + "data: [DONE]\n\n",
            Normalize(body));
    }
}
