using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using static Gateway.IntegrationTests.Infrastructure.Upstream.ProviderTestKit;
using static Gateway.IntegrationTests.OpenAi.OpenAiTestKit;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary>
/// The front door over real providers and a fake upstream on loopback: the request each API gets, the answer translated
/// back (Anthropic's <c>tool_use</c> and <c>stop_reason</c>, usage with cached input), and upstream failures as statuses.
/// </summary>
public sealed class CompletionTranslationTests : IDisposable
{

    private const string ToolsAndOptions = """
        "temperature":1.5,"top_p":0.5,"max_tokens":100,"stop":["END"],"user":"u-7","tool_choice":"required","parallel_tool_calls":false,
        "tools":[{"type":"function","function":{"name":"bash","description":"Runs a command.","parameters":{"type":"object","properties":{"command":{"type":"string"}}}}}],
        "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"List files"}]
        """;

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task AnthropicToolUseBecomesToolCallsAndItsUsageCountsCachedInput()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(AnthropicStreamScripts.Full));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);

        var response = await host.CompleteAsync("""{"model":"claude-test",""" + ToolsAndOptions + "}");

        Assert.Equal(200, response.StatusCode);
        // input_tokens 25 + cache reads 10 + cache writes 7: OpenAI's prompt_tokens count every input token.
        Assert.Equal(
            """{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"claude-test","choices":[{"index":0,"message":{"role":"assistant","content":"Hello 🙂","reasoning_content":"Let me think…","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"bash","arguments":"{\"command\":\"ls -la\"}"}},{"id":"toolu_2","type":"function","function":{"name":"now","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":42,"completion_tokens":42,"total_tokens":84,"prompt_tokens_details":{"cached_tokens":10}}}""",
            Normalize(response.Body));

        using var sent = JsonDocument.Parse(upstream.Requests[1].Body);
        var root = sent.RootElement;
        Assert.Equal("/v1/messages", upstream.Requests[1].Target);
        Assert.Equal(100, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(1.0, root.GetProperty("temperature").GetDouble()); // Anthropic's range ends at 1.
        Assert.Equal(0.5, root.GetProperty("top_p").GetDouble());
        Assert.Equal("""["END"]""", root.GetProperty("stop_sequences").GetRawText());
        Assert.Equal("""{"user_id":"u-7"}""", root.GetProperty("metadata").GetRawText());
        Assert.Equal("""{"type":"any","disable_parallel_tool_use":true}""", root.GetProperty("tool_choice").GetRawText());
        Assert.Equal("""[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}]""", root.GetProperty("system").GetRawText());
        Assert.Equal(
            """[{"name":"bash","description":"Runs a command.","input_schema":{"type":"object","properties":{"command":{"type":"string"}}},"cache_control":{"type":"ephemeral"}}]""",
            root.GetProperty("tools").GetRawText());
    }

    [Fact]
    public async Task AnthropicStreamsAsOpenAiChunks()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(AnthropicStreamScripts.Full, Chunking.Awkward));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);

        var (_, body) = await host.StreamAsync("""
            {"model":"anthropic/claude-test","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}
            """);

        const string Model = "anthropic/claude-test";
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"reasoning_content":"Let me think…"},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"content":"Hel"},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"content":"lo 🙂"},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"bash","arguments":""}}]},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"command\": \"ls"}}]},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" -la\"}"}}]},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":1,"id":"toolu_2","type":"function","function":{"name":"now","arguments":""}}]},"finish_reason":null}""", "null", Model)
            // A call whose input came whole with its start (none in pieces) gets its arguments when it completes.
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{},"finish_reason":"tool_calls"}""", "null", Model)
            + """data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"anthropic/claude-test","choices":[],"usage":{"prompt_tokens":42,"completion_tokens":42,"total_tokens":84,"prompt_tokens_details":{"cached_tokens":10}}}""" + "\n\n"
            + "data: [DONE]\n\n",
            Normalize(body));
    }

    [Fact]
    public async Task AnOpenAiCompatibleUpstreamGetsTheOptionsUnderTheirOwnNames()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.Text));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var response = await host.CompleteAsync("""{"model":"gpt-test","max_completion_tokens":5,""" + ToolsAndOptions[ToolsAndOptions.IndexOf("\"top_p\"", StringComparison.Ordinal)..] + "}");

        Assert.Equal(
            """{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"Hello, wörld 🙂 \"quoted\""},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4}}}""",
            Normalize(response.Body));
        using var sent = JsonDocument.Parse(upstream.Requests[1].Body);
        var root = sent.RootElement;
        // max_completion_tokens wins over max_tokens and keeps its name; each option under OpenAI's name.
        Assert.Equal(
            ("gpt-test", 0.5, 5, """["END"]""", "u-7", "\"required\"", false, JsonValueKind.Undefined),
            (root.GetProperty("model").GetString(), root.GetProperty("top_p").GetDouble(), root.GetProperty("max_completion_tokens").GetInt32(),
             root.GetProperty("stop").GetRawText(), root.GetProperty("user").GetString(), root.GetProperty("tool_choice").GetRawText(),
             root.GetProperty("parallel_tool_calls").GetBoolean(), root.TryGetProperty("max_tokens", out var ignored) ? ignored.ValueKind : JsonValueKind.Undefined));
        Assert.False(root.TryGetProperty("temperature", out _));
    }

    [Fact]
    public async Task FieldsTheGatewayDoesNotInterpretReachAnOpenAiUpstreamVerbatim()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.Text));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var response = await host.CompleteAsync("""
            {"model":"gpt-test","messages":[{"role":"user","content":"Hi"}],"seed":7,"reasoning_effort":"low","logprobs":true,"frobnicate":1,
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"a":{"type":"string"}}}}}}
            """);

        Assert.Equal(200, response.StatusCode);
        // In the gateway's order after its own fields; a field it does not know stays behind.
        Assert.EndsWith(
            ""","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"a":{"type":"string"}}}}},"seed":7,"reasoning_effort":"low","logprobs":true}""",
            upstream.Requests[1].Body);
    }

    [Fact]
    public async Task ImagesGoToEachApiByUrlOrAsData()
    {
        const string Content = """
            [{"type":"text","text":"Which is bigger?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]
            """;
        await using var openAi = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.Text));
        await using var anthropic = FakeUpstream.Start(UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(AnthropicStreamScripts.Full));
        await using var host = await ChatTestHost.StartAsync(moreProviders:
            [new OpenAiCompatibleProvider("openai", openAi.Url("/v1"), "sk-test", _http), new AnthropicProvider("anthropic", anthropic.Url(), "sk-ant-test", _http)]);

        var viaOpenAi = await host.CompleteAsync("""{"model":"gpt-test","messages":[{"role":"user","content":""" + Content + "}]}");
        var viaAnthropic = await host.CompleteAsync("""{"model":"claude-test","messages":[{"role":"user","content":""" + Content + "}]}");

        Assert.Equal((200, 200), (viaOpenAi.StatusCode, viaAnthropic.StatusCode));
        // The URL goes as it is: the model's API fetches it, the gateway never does.
        Assert.Contains(
            """
            "messages":[{"role":"user","content":[{"type":"text","text":"Which is bigger?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]
            """,
            openAi.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains(
            """
            "messages":[{"role":"user","content":[{"type":"text","text":"Which is bigger?"},{"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="},"cache_control":{"type":"ephemeral"}}]}]
            """,
            anthropic.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogprobsFromAnOpenAiUpstreamAreRelayedStreamedAndJoinedWhenWhole()
    {
        const string Hi = """{"token":"Hi","logprob":-0.25,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.25,"bytes":[72,105]}]}""";
        const string There = """{"token":" there","logprob":-1.5e-05,"bytes":[32,116,104,101,114,101],"top_logprobs":[{"token":" there","logprob":-1.5e-05,"bytes":[32,116,104,101,114,101]}]}""";
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.TextWithLogprobs), UpstreamReply.Sse(OpenAiStreamScripts.TextWithLogprobs));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);
        const string Request = """{"model":"gpt-test","logprobs":true,"top_logprobs":1,"messages":[{"role":"user","content":"Hi"}]""";

        var (_, streamed) = await host.StreamAsync(Request + ""","stream":true}""");
        var whole = await host.CompleteAsync(Request + "}");

        // Each token's entry exactly as the upstream wrote it, on the chunk of its text.
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", model: "gpt-test")
            + Chunk("""{"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[""" + Hi + """],"refusal":null},"finish_reason":null}""", model: "gpt-test")
            + Chunk("""{"index":0,"delta":{"content":" there"},"logprobs":{"content":[""" + There + """],"refusal":null},"finish_reason":null}""", model: "gpt-test")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""", model: "gpt-test")
            + "data: [DONE]\n\n",
            Normalize(streamed));
        Assert.Equal(
            """{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"logprobs":{"content":["""
            + Hi + "," + There
            + """],"refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}""",
            Normalize(whole.Body));
        Assert.All(upstream.Requests.Skip(1), request => Assert.Contains(""","logprobs":true,"top_logprobs":1""", request.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ToolCallArgumentsStreamPieceByPieceAsTheModelWritesThem()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.ParallelToolCalls, Chunking.Every(1)));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var (_, body) = await host.StreamAsync("""{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        const string Model = "gpt-test";
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"read","arguments":""}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"filePath\":"}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"now","arguments":""}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":2,"id":"call_c","type":"function","function":{"name":"bash","arguments":""}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":2,"function":{"arguments":"{\"command\":\"l"}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"docs/a b.txt\"}"}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":2,"function":{"arguments":"s -la\"}"}}]},"finish_reason":null}""", model: Model)
            // call_b never had argument text: its arguments come whole, {}, when it completes.
            + Chunk("""{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}""", model: Model)
            + Chunk("""{"index":0,"delta":{},"finish_reason":"tool_calls"}""", model: Model)
            + "data: [DONE]\n\n",
            Normalize(body));
    }

    [Theory]
    [InlineData(429, 429, 3, """{"error":{"message":"openai returned 429 Too Many Requests: {\"error\":{\"message\":\"slow down\"}}","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""")]
    [InlineData(400, 400, 1, """{"error":{"message":"openai returned 400 Bad Request: {\"error\":{\"message\":\"slow down\"}}","type":"invalid_request_error","param":null,"code":null}}""")]
    [InlineData(401, 502, 1, """{"error":{"message":"openai returned 401 Unauthorized: {\"error\":{\"message\":\"slow down\"}}","type":"upstream_error","param":null,"code":null}}""")]
    [InlineData(500, 502, 3, """{"error":{"message":"openai returned 500 Internal Server Error: {\"error\":{\"message\":\"slow down\"}}","type":"upstream_error","param":null,"code":null}}""")]
    public async Task UpstreamRefusalsReachTheCallerWithTheRightStatus(int upstreamStatus, int status, int attempts, string body)
    {
        var refusal = UpstreamReply.Json("""{"error":{"message":"slow down"}}""", upstreamStatus, StatusReason(upstreamStatus));
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), refusal, refusal, refusal);
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var (head, streamed) = await host.StreamAsync("""{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        // Nothing was streamed yet, so even a streaming call gets the failure's status: OpenAI's SDKs raise it by type.
        Assert.Equal((status, body), (head.StatusCode, streamed));
        Assert.Equal(1 + attempts, upstream.Requests.Count); // 429 and 5xx were retried twice; the others not.
    }

    [Fact]
    public async Task AClientLeavingAWholeCompletionClosesTheUpstreamConnection()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);
        var connection = await host.PostAsync(CompletionsPath, """{"model":"gpt-test","messages":[{"role":"user","content":"Hi"}]}""");
        await AgentScript.WithinAsync(TimeSpan.FromSeconds(5), () => upstream.Requests.Count == 2, "the turn reached the upstream");

        await connection.DisposeAsync();

        // No response was started: the connection's disconnect watch alone sees the client go.
        await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AClientLeavingAStreamClosesTheUpstreamConnection()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);
        var connection = await host.PostAsync(CompletionsPath, """{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
        Assert.Contains("\"content\":\"Hal\"", System.Text.Encoding.UTF8.GetString(await connection.ReadChunkAsync()), StringComparison.Ordinal);

        await connection.DisposeAsync();

        await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static string StatusReason(int status) => status switch
    {
        429 => "Too Many Requests",
        400 => "Bad Request",
        401 => "Unauthorized",
        _ => "Internal Server Error",
    };
}
