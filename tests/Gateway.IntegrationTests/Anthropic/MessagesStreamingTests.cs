using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.IntegrationTests.Anthropic.MessagesTestKit;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>Streamed <c>POST /v1/messages</c>: the exact events, in Anthropic's order, for what the model produced.</summary>
public sealed class MessagesStreamingTests
{
    private const string Hi = """{"model":"test-model","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

    [Fact]
    public async Task TextStreamsAsOneTextBlockThenTheStopReasonAndTheWholeUsage()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.TextDelta("Hel"), ProviderEvent.TextDelta("lo \"wörld\" 🙂"), ProviderEvent.Finished(FinishReason.Stop),
            ProviderEvent.UsageReported(new TokenUsage(10, 2, CacheReadTokens: 4)));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamMessageAsync(Hi);

        Assert.Equal(200, head.StatusCode);
        Assert.Equal("text/event-stream", head.Header("Content-Type"));
        Assert.Equal("no-cache", head.Header("Cache-Control"));
        // The scripted provider counts cached input within its input, as OpenAI does: Anthropic's input_tokens leave it out.
        Assert.Equal(
            MessageStart()
            + Event("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo \"wörld\" 🙂"}}""")
            + Event("""{"type":"content_block_stop","index":0}""")
            + MessageEnd("end_turn", Usage(6, 2, cacheReads: 4)),
            Normalize(body));
    }

    [Fact]
    public async Task ThinkingWithItsSignatureThenTextThenStreamedAndWholeToolCallsAreBlocksInOrder()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.ReasoningDelta("Hmm"),
            ProviderEvent.ReasoningCaptured(new ReasoningItem(ReasoningSource.AnthropicThinking, "Hmm", Signature: "c2ln")),
            ProviderEvent.ReasoningCaptured(new ReasoningItem(ReasoningSource.AnthropicRedacted, null, RedactedData: "cmVk")),
            ProviderEvent.TextDelta("Let me look."),
            ProviderEvent.ToolCallStarted(0, "toolu_1", "read"),
            ProviderEvent.ToolArgumentsDelta(0, "{\"path\":"),
            ProviderEvent.ToolArgumentsDelta(0, "\"a b.txt\"}"),
            ProviderEvent.ToolCalled(new ToolCallRequest("toolu_1", "read", RawJson.Parse("""{"path":"a b.txt"}"""))),
            ProviderEvent.ToolCalled(new ToolCallRequest("toolu_2", "now", RawJson.EmptyObject) { InvalidArguments = "{\"tz\":" }, 1),
            ProviderEvent.UsageReported(new TokenUsage(5, 9)));
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamMessageAsync(Hi);

        // No Finish event from the provider: calls mean tool_use. Arguments that were no JSON object are the API's empty input.
        Assert.Equal(
            MessageStart()
            + Event("""{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2ln"}}""")
            + Event("""{"type":"content_block_stop","index":0}""")
            + Event("""{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"cmVk"}}""")
            + Event("""{"type":"content_block_stop","index":1}""")
            + Event("""{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}""")
            + Event("""{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Let me look."}}""")
            + Event("""{"type":"content_block_stop","index":2}""")
            + Event("""{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_1","name":"read","input":{}}}""")
            + Event("""{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"path\":"}}""")
            + Event("""{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"\"a b.txt\"}"}}""")
            + Event("""{"type":"content_block_stop","index":3}""")
            + Event("""{"type":"content_block_start","index":4,"content_block":{"type":"tool_use","id":"toolu_2","name":"now","input":{}}}""")
            + Event("""{"type":"content_block_delta","index":4,"delta":{"type":"input_json_delta","partial_json":"{}"}}""")
            + Event("""{"type":"content_block_stop","index":4}""")
            + MessageEnd("tool_use", Usage(5, 9)),
            Normalize(body));
    }

    [Fact]
    public async Task ALengthFinishIsMaxTokens()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.TextDelta("Yes"), ProviderEvent.Finished(FinishReason.Length));
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamMessageAsync(Hi);

        Assert.EndsWith(Event("""{"type":"content_block_stop","index":0}""") + MessageEnd("max_tokens", Usage(0, 0)), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailureAfterTheStreamStartedEndsItWithAnErrorEvent()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.TextDelta("Par"), ProviderEvent.Failed("upstream stream ended before completion"));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamMessageAsync(Hi);

        Assert.Equal(200, head.StatusCode);
        Assert.Equal(
            MessageStart()
            + Event("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}}""")
            + Event("""{"type":"error","error":{"type":"api_error","message":"upstream stream ended before completion"}}"""),
            Normalize(body));
    }

    [Theory]
    [InlineData(429, "rate_limit_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(400, "invalid_request_error")]
    public async Task AFailureBeforeTheFirstEventIsAnsweredWithItsOwnStatus(int status, string type)
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.Failed("upstream said no", status));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamMessageAsync(Hi);

        Assert.Equal(status, head.StatusCode);
        Assert.Equal("application/json", head.Header("Content-Type"));
        Assert.Equal($$$"""{"type":"error","error":{"type":"{{{type}}}","message":"upstream said no"}}""", body);
    }

    [Fact]
    public async Task AnEmptyTurnStillStartsAndEndsTheMessage()
    {
        var model = new ScriptedModelProvider().Then();
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamMessageAsync(Hi);

        Assert.Equal(MessageStart() + MessageEnd("end_turn", Usage(0, 0)), Normalize(body));
    }

    [Fact]
    public async Task AFirstEventSlowToComeOpensTheStreamWithMessageStartAndAPing()
    {
        var model = new ScriptedModelProvider().ThenHang(firstText: null);
        await using var host = await ChatTestHost.StartAsync(model, agents: new AgentOptions { PingInterval = TimeSpan.FromMilliseconds(50) });
        await using var connection = await host.PostAsync(MessagesPath, Hi, "");

        // Bounded: the heartbeat opens the stream one ping interval after the request; each read waits at most RawConnection.ReadTimeout.
        var head = await connection.ReadResponseAsync(headRequest: true);
        var received = "";
        while (!received.Contains("event: ping", StringComparison.Ordinal) && received.Length < 10_000)
        {
            received += System.Text.Encoding.UTF8.GetString(await connection.ReadChunkAsync());
        }

        Assert.Equal(200, head.StatusCode);
        Assert.Equal("text/event-stream", head.Header("Content-Type"));
        Assert.Equal(MessageStart() + "event: ping\ndata: {\"type\":\"ping\"}\n\n", Normalize(received));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheClientLeavingCancelsTheTurnStreamedOrWhole(bool stream)
    {
        var model = new ScriptedModelProvider().ThenHang("Wait");
        await using var host = await ChatTestHost.StartAsync(model);
        var connection = await host.PostAsync(MessagesPath, Hi.Replace("\"stream\":true", $"\"stream\":{(stream ? "true" : "false")}", StringComparison.Ordinal), "");
        if (stream)
        {
            await connection.ReadResponseAsync(headRequest: true); // the head goes with the first event
        }
        else
        {
            await AgentScript.WithinAsync(TimeSpan.FromSeconds(5), () => !model.Requests.IsEmpty, "the turn starts");
        }

        await connection.DisposeAsync();

        await model.Cancelled.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ASilentStreamCarriesAnthropicsPingEvent()
    {
        var model = new ScriptedModelProvider().ThenHang("Wait");
        await using var host = await ChatTestHost.StartAsync(model, agents: new AgentOptions { PingInterval = TimeSpan.FromMilliseconds(50) });
        await using var connection = await host.PostAsync(MessagesPath, Hi, "");

        var head = await connection.ReadResponseAsync(headRequest: true);
        var received = "";
        // Bounded: the ping is due 50 ms after the last event; each read waits at most RawConnection.ReadTimeout.
        while (!received.Contains("event: ping", StringComparison.Ordinal) && received.Length < 10_000)
        {
            received += System.Text.Encoding.UTF8.GetString(await connection.ReadChunkAsync());
        }

        Assert.Equal(200, head.StatusCode);
        Assert.EndsWith(
            Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Wait"}}""") + "event: ping\ndata: {\"type\":\"ping\"}\n\n",
            received,
            StringComparison.Ordinal);
    }
}
