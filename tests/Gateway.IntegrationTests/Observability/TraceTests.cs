using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;

namespace Gateway.IntegrationTests.Observability;

/// <summary>
/// Issue 13, "Traces": the gateway process exports its spans over OTLP/HTTP (protobuf) to a receiver the test runs, and
/// a /chat session with a subagent and a tool call gives the span tree and GenAI attributes of the conventions.
/// </summary>
public sealed class TraceTests : IAsyncLifetime
{
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";
    private const string Listing = """{"object":"list","data":[{"id":"gpt-test","object":"model"}]}""";

    private readonly DirectoryInfo _workspace = Directory.CreateTempSubdirectory("gateway-trace-workspace-");
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("gateway-no-models-");

    public Task InitializeAsync() => File.WriteAllTextAsync(Path.Combine(_workspace.FullName, "notes.txt"), "alpha\n");

    public Task DisposeAsync()
    {
        _workspace.Delete(recursive: true);
        _models.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AChatSessionWithASubagentAndAToolCallExportsItsSpanTree()
    {
        await using var receiver = new OtlpReceiver();
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json(Listing),
            // The root agent calls a subagent and a plain tool at once; the subagent answers; the root answers.
            UpstreamReply.OpenAiTurn("""{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"agent","arguments":"{\"task\":\"look\"}"}},{"index":1,"id":"call_r","type":"function","function":{"name":"read","arguments":"{\"filePath\":\"notes.txt\"}"}}]},"finish_reason":"tool_calls"}""", 12, 7),
            UpstreamReply.OpenAiTurn("""{"index":0,"delta":{"role":"assistant","content":"Looked."},"finish_reason":"stop"}""", 5, 3),
            UpstreamReply.OpenAiTurn("""{"index":0,"delta":{"role":"assistant","content":"Done."},"finish_reason":"stop"}""", 20, 4));
        await using var gateway = GatewayProcess.StartWithOpenAi(upstream.Url("/v1"), _models, new Dictionary<string, string>
        {
            ["WORKSPACE_ROOT"] = _workspace.FullName,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url.ToString(),
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-collector-key=k1",
            ["OTEL_SERVICE_NAME"] = "gateway-under-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "50",
        });
        var endPoint = await gateway.ListeningAsync();

        await using var connection = await RawConnection.ConnectAsync(endPoint);
        const string body = """{"model":"gpt-test","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"agent"},{"tool":"read"}]}}""";
        await connection.SendAsync(
            $"POST /chat HTTP/1.1\r\nHost: test\r\ntraceparent: 00-{ClientTraceId}-{ClientSpanId}-01\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Equal(200, (await connection.ReadResponseAsync(headRequest: true)).StatusCode);
        var events = await new EventStreamReader(connection).ReadAllEventsAsync();
        var sessionId = events.First(e => e.Name == "connected").Field("sessionId");
        Assert.Equal("Done.", events.Last(e => e.Name == "text").Field("content"));

        var spans = await receiver.SpansAsync(s => s.Any(span => span.Name == "POST /chat"));
        OtlpSpan Single(string name, string? parent = null) => spans.Single(s => s.Name == name && (parent is null || s.ParentSpanId == parent));

        // The request continues the client's trace.
        var request = Single("POST /chat");
        Assert.All(spans, s => Assert.Equal(ClientTraceId, s.TraceId));
        Assert.Equal((ClientSpanId, OtlpSpan.KindServer), (request.ParentSpanId, request.Kind));
        Assert.Equal(("POST", "/chat", "/chat", 200L), (request["http.request.method"], request["http.route"], request["url.path"], request["http.response.status_code"]));
        Assert.Equal(("127.0.0.1", (long)connection.LocalEndPoint.Port, "1.1"), (request["client.address"], request["client.port"], request["network.protocol.version"]));
        Assert.Equal("gateway-under-test", request.Resource["service.name"]);

        // request → invoke_agent (root) → chat, execute_tool agent → invoke_agent (subagent) → chat; execute_tool read.
        var root = Single("invoke_agent gateway", parent: request.SpanId);
        Assert.Equal(("invoke_agent", sessionId, "gateway"), (root["gen_ai.operation.name"], root["gen_ai.conversation.id"], root["gen_ai.agent.name"]));
        var rootChats = spans.Where(s => s.Name == "chat gpt-test" && s.ParentSpanId == root.SpanId).ToList();
        Assert.Equal(2, rootChats.Count);
        var agentTool = Single("execute_tool agent", parent: root.SpanId);
        Assert.Equal(("execute_tool", "agent", "call_a"), (agentTool["gen_ai.operation.name"], agentTool["gen_ai.tool.name"], agentTool["gen_ai.tool.call.id"]));
        var readTool = Single("execute_tool read", parent: root.SpanId);
        Assert.Equal(("read", "call_r", OtlpSpan.KindInternal), (readTool["gen_ai.tool.name"], readTool["gen_ai.tool.call.id"], readTool.Kind));
        var subagent = Single("invoke_agent subagent", parent: agentTool.SpanId);
        Assert.Equal(sessionId, subagent["gen_ai.conversation.id"]);
        var subagentChat = Single("chat gpt-test", parent: subagent.SpanId);
        Assert.Equal(8, spans.Count);

        // GenAI attributes of the model calls, with the upstream's usage.
        var chats = rootChats.Append(subagentChat).OrderBy(s => (long)s["gen_ai.usage.input_tokens"]!).ToList();
        Assert.All(chats, chat =>
        {
            Assert.Equal(OtlpSpan.KindClient, chat.Kind);
            Assert.Equal(("chat", "openai", "gpt-test"), (chat["gen_ai.operation.name"], chat["gen_ai.provider.name"], chat["gen_ai.request.model"]));
            Assert.Equal(("127.0.0.1", (long)upstream.Port), (chat["server.address"], chat["server.port"]));
        });
        Assert.Equal([(5L, 3L), (12L, 7L), (20L, 4L)], chats.Select(c => ((long)c["gen_ai.usage.input_tokens"]!, (long)c["gen_ai.usage.output_tokens"]!)));
        Assert.Equal(["stop", "tool_calls", "stop"], chats.Select(c => (string)((object[])c["gen_ai.response.finish_reasons"]!).Single()));
        Assert.Same(subagentChat, chats[0]);

        // Each model call sent its own span as the upstream request's parent; the startup listing, outside any span, sent none.
        Assert.Null(upstream.Requests[0].Header("traceparent"));
        var sent = upstream.Requests.Skip(1).Select(r => r.Header("traceparent")!.Split('-')).ToList();
        Assert.All(sent, parts => Assert.Equal(("00", ClientTraceId, "01"), (parts[0], parts[1], parts[3])));
        Assert.Equal(chats.Select(c => c.SpanId).Order(), sent.Select(parts => parts[2]).Order());
        Assert.Equal(subagentChat.SpanId, sent[1][2]);

        // OTLP/HTTP with the configured headers.
        Assert.All(receiver.Requests, r => Assert.Equal(("/v1/traces", "k1", "application/x-protobuf"), (r.Target, r.Headers["x-collector-key"], r.Headers["Content-Type"])));
    }

    [Fact]
    public async Task ACompletionsRequestWithoutATraceparentStartsATraceWithItsModelCallUnderIt()
    {
        await using var receiver = new OtlpReceiver();
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json(Listing),
            UpstreamReply.OpenAiTurn("""{"index":0,"delta":{"role":"assistant","content":"Hi."},"finish_reason":"length"}""", 3, 2));
        await using var gateway = GatewayProcess.StartWithOpenAi(upstream.Url("/v1"), _models, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url.ToString(),
            ["OTEL_BSP_SCHEDULE_DELAY"] = "50",
        });
        await using var connection = await RawConnection.ConnectAsync(await gateway.ListeningAsync());
        const string body = """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""";
        await connection.SendAsync($"POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);

        var spans = await receiver.SpansAsync(s => s.Any(span => span.Name == "POST /v1/chat/completions"));
        var request = spans.Single(s => s.Name == "POST /v1/chat/completions");
        var chat = spans.Single(s => s.Name == "chat gpt-test");
        Assert.Equal(2, spans.Count);
        Assert.Equal(("", "/v1/chat/completions", "gateway"), (request.ParentSpanId, request["http.route"], request.Resource["service.name"]));
        Assert.Equal((request.TraceId, request.SpanId), (chat.TraceId, chat.ParentSpanId));
        Assert.Equal((3L, 2L, "length"), ((long)chat["gen_ai.usage.input_tokens"]!, (long)chat["gen_ai.usage.output_tokens"]!, (string)((object[])chat["gen_ai.response.finish_reasons"]!).Single()));
        // W3C Trace Context level 2: a trace started here also sets the random-trace-id flag (0x02) beside sampled (0x01).
        Assert.Equal($"00-{chat.TraceId}-{chat.SpanId}-03", upstream.Requests[1].Header("traceparent"));
    }
}
