using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using static Gateway.IntegrationTests.Infrastructure.Upstream.ProviderTestKit;
using static Gateway.IntegrationTests.OpenAi.OpenAiTestKit;

namespace Gateway.IntegrationTests;

/// <summary>
/// Model output from an upstream that is not valid text (bytes that are not UTF-8, RFC 8259 §8.1; an escaped lone
/// surrogate, §8.2): text reads with U+FFFD in place of each bad sequence, as any decoder reads it, and a tool call whose
/// arguments hold such text fails with a tool error the model can read. Never an exception, never a stack trace logged.
/// </summary>
public sealed class InvalidModelTextTests : IDisposable
{
    private const string NotText = "Arguments of echo are not valid Unicode text: ";

    /// <summary>U+FFFD, which /v1 writes as it is (its encoder escapes only what JSON must, and astral characters).</summary>
    private const string R = "\uFFFD";

    /// <summary>Text with an escaped lone surrogate (high, then low before a pair), a byte 0xFF, and tool calls whose arguments carry them.</summary>
    private static readonly byte[] OpenAiTurn = Sse(
        Data("""{"choices":[{"index":0,"delta":{"role":"assistant","content":"a\ud800b"},"finish_reason":null}]}""")
        + Data("""{"choices":[{"index":0,"delta":{"reasoning_content":"c<FF>d"},"finish_reason":null}]}""")
        + Data("""{"choices":[{"index":0,"delta":{"content":"\udc00\ud83d\ude00"},"finish_reason":null}]}""")
        // Inside the arguments' JSON; in the arguments string itself; a byte that is not UTF-8.
        + Data("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"echo","arguments":"{\"text\":\"\\ud800\"}"}}]},"finish_reason":null}]}""")
        + Data("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"c2","type":"function","function":{"name":"echo","arguments":"{\"text\":\"\ud800\"}"}}]},"finish_reason":null}]}""")
        + Data("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"id":"c3","type":"function","function":{"name":"echo","arguments":"{\"text\":\"<FF>\"}"}}]},"finish_reason":"tool_calls"}]}""")
        + Data("""{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}""")
        + "data: [DONE]\n\n");

    private static readonly byte[] OpenAiDone = Sse(Data("""{"choices":[{"index":0,"delta":{"content":"done"},"finish_reason":"stop"}]}""") + "data: [DONE]\n\n");

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);
    private readonly StringWriter _log = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ChatTextReadsWithReplacementCharactersAndUnreadableArgumentsFailTheirCalls()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiTurn), UpstreamReply.Sse(OpenAiDone));
        await using var host = await StartAsync(new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http));
        var (connection, stream) = await host.OpenChatAsync("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();

        Assert.Equal(
            ["connected", "harness_start", "text", "reasoning", "text", "usage", "tool_result", "tool_result", "tool_result", "text", "usage", "harness_end"],
            events.Select(e => e.Name));
        Assert.Contains("\"content\":\"a\uFFFDb\"", events[2].Data, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"c\uFFFDd\"", events[3].Data, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"\uFFFD😀\"", events[4].Data, StringComparison.Ordinal);
        Assert.Equal(
            [NotText + """{"text":"\ud800"}""", NotText + "{\"text\":\"\uFFFD\"}", NotText + "{\"text\":\"\uFFFD\"}"],
            events[6..9].Select(e => e.Json.GetProperty("output").GetProperty("error").GetString()));
        Assert.Equal(["c1", "c2", "c3"], events[6..9].Select(e => e.Field("id")![(e.Field("runId")!.Length + 1)..]));
        Assert.Equal("done", events[9].Field("content"));
        Assert.Null(events[11].Field("reason"));
        Assert.Contains(NotText.Replace("\"", "\\\"", StringComparison.Ordinal), upstream.Requests[2].Body, StringComparison.Ordinal);
        AssertLoggedNoFailure();
    }

    [Fact]
    public async Task AnthropicTextAndToolInputReadTheSameWay()
    {
        var turn = Sse(
            Event("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-test","usage":{"input_tokens":5,"output_tokens":1}}}""")
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x<FF>y\udfff"}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":0}""")
            + Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"echo","input":{"text":"\ud800"}}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":1}""")
            + Event("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"echo","input":{}}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"text\":\"\ud800\"}"}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":2}""")
            + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}""")
            + Event("message_stop", """{"type":"message_stop"}"""));
        var done = Sse(
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"done"}}""")
            + Event("message_stop", """{"type":"message_stop"}"""));
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(turn), UpstreamReply.Sse(done));
        await using var host = await StartAsync(new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http));
        var (connection, stream) = await host.OpenChatAsync("""{"model":"claude-test","messages":[{"role":"user","content":"hi"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();

        Assert.Equal(
            ["connected", "harness_start", "text", "usage", "tool_result", "tool_result", "text", "usage", "harness_end"],
            events.Select(e => e.Name));
        Assert.Contains("\"content\":\"x\uFFFDy\uFFFD\"", events[2].Data, StringComparison.Ordinal);
        Assert.Equal(
            [NotText + """{"text":"\ud800"}""", NotText + "{\"text\":\"\uFFFD\"}"],
            events[4..6].Select(e => e.Json.GetProperty("output").GetProperty("error").GetString()));
        Assert.Equal("done", events[6].Field("content"));
        AssertLoggedNoFailure();
    }

    [Fact]
    public async Task WholeCompletionCarriesTheTextAsReadAndTheArgumentsAsTheModelWroteThem()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiTurn));
        await using var host = await StartAsync(new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http));

        var response = await host.CompleteAsync("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            $$$"""{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"a{{{R}}}b{{{R}}}😀","reasoning_content":"c{{{R}}}d","tool_calls":[{"id":"c1","type":"function","function":{"name":"echo","arguments":"{\"text\":\"\\ud800\"}"}},{"id":"c2","type":"function","function":{"name":"echo","arguments":"{\"text\":\"{{{R}}}\"}"}},{"id":"c3","type":"function","function":{"name":"echo","arguments":"{\"text\":\"{{{R}}}\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}""",
            Normalize(response.Body));
        AssertLoggedNoFailure();
    }

    [Fact]
    public async Task StreamedCompletionCarriesTheTextAsReadAndTheArgumentsAsTheModelWroteThem()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiTurn));
        await using var host = await StartAsync(new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http));

        var (head, body) = await host.StreamAsync("""{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(200, head.StatusCode);
        const string Model = "gpt-test";
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", model: Model)
            + Chunk($$$"""{"index":0,"delta":{"content":"a{{{R}}}b"},"finish_reason":null}""", model: Model)
            + Chunk($$$"""{"index":0,"delta":{"reasoning_content":"c{{{R}}}d"},"finish_reason":null}""", model: Model)
            + Chunk($$$"""{"index":0,"delta":{"content":"{{{R}}}😀"},"finish_reason":null}""", model: Model)
            // A call starts with its id and name; its arguments follow, as read.
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"echo","arguments":""}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"text\":\"\\ud800\"}"}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":1,"id":"c2","type":"function","function":{"name":"echo","arguments":""}}]},"finish_reason":null}""", model: Model)
            + Chunk($$$"""{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"text\":\"{{{R}}}\"}"}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":2,"id":"c3","type":"function","function":{"name":"echo","arguments":""}}]},"finish_reason":null}""", model: Model)
            + Chunk($$$"""{"index":0,"delta":{"tool_calls":[{"index":2,"function":{"arguments":"{\"text\":\"{{{R}}}\"}"}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{},"finish_reason":"tool_calls"}""", model: Model)
            + "data: [DONE]\n\n",
            Normalize(body));
        AssertLoggedNoFailure();
    }

    [Fact]
    public async Task LogprobsAreRelayedAsReadToo()
    {
        var turn = Sse(Data("""{"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"H<FF>","logprob":-0.25,"bytes":[72,255]}],"refusal":null},"finish_reason":"stop"}]}""") + "data: [DONE]\n\n");
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(turn));
        await using var host = await StartAsync(new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http));

        var response = await host.CompleteAsync("""{"model":"gpt-test","logprobs":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(
            $$$"""{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"logprobs":{"content":[{"token":"H{{{R}}}","logprob":-0.25,"bytes":[72,255]}],"refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}""",
            Normalize(response.Body));
        AssertLoggedNoFailure();
    }

    private Task<ChatTestHost> StartAsync(IModelProvider provider) =>
        ChatTestHost.StartAsync(tools: new TestToolRegistry(), moreProviders: [provider], log: new GatewayLog(LogLevel.Debug, _log));

    private void AssertLoggedNoFailure()
    {
        var log = _log.ToString();
        Assert.DoesNotContain(" error ", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
    }

    private static string Data(string json) => $"data: {json}\n\n";

    private static string Event(string type, string json) => $"event: {type}\n{Data(json)}";

    /// <summary>The stream in UTF-8, with each <c>&lt;FF&gt;</c> as the byte 0xFF (never part of UTF-8).</summary>
    private static byte[] Sse(string stream) =>
        [.. stream.Split("<FF>").SelectMany((part, i) => i == 0 ? Encoding.UTF8.GetBytes(part) : [0xFF, .. Encoding.UTF8.GetBytes(part)])];
}
