using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;
using static Gateway.IntegrationTests.Responses.ResponsesTestKit;

namespace Gateway.IntegrationTests.Responses;

/// <summary>Streamed <c>POST /v1/responses</c>: the exact events, in the Responses API's order, for what the model produced.</summary>
public sealed class ResponsesStreamingTests
{
    private const string Hi = """{"model":"test-model","stream":true,"input":"Hi"}""";

    [Fact]
    public async Task TextStreamsAsOneMessageItemBetweenCreatedAndCompleted()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.TextDelta("Hel"), ProviderEvent.TextDelta("lo \"wörld\" 🙂"), ProviderEvent.Finished(FinishReason.Stop),
            ProviderEvent.UsageReported(new TokenUsage(10, 2, CacheReadTokens: 4)));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamResponseAsync(Hi);

        Assert.Equal(200, head.StatusCode);
        Assert.Equal("text/event-stream", head.Header("Content-Type"));
        Assert.Equal(
            ResponseEvent("response.created", 0, Response("in_progress", "", null))
            + ResponseEvent("response.in_progress", 1, Response("in_progress", "", null))
            + Event("response.output_item.added", 2, """ "output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"} """)
            + Event("response.content_part.added", 3, """ "item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""} """)
            + Event("response.output_text.delta", 4, """ "item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel","logprobs":[] """)
            + Event("response.output_text.delta", 5, """ "item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo \"wörld\" 🙂","logprobs":[] """)
            + Event("response.output_text.done", 6, """ "item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello \"wörld\" 🙂","logprobs":[] """)
            + Event("response.content_part.done", 7, """ "item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello \"wörld\" 🙂"} """)
            + Event("response.output_item.done", 8, """ "output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello \"wörld\" 🙂"}],"role":"assistant"} """)
            + ResponseEvent("response.completed", 9, Response("completed", """ {"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello \"wörld\" 🙂"}],"role":"assistant"} """, Usage(10, 2, cached: 4))),
            Normalize(body));
    }

    [Fact]
    public async Task WholeToolCallsStreamAsFunctionCallItemsWithTheirArgumentsInOneDelta()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.TextDelta("Let me look."),
            ProviderEvent.ToolCalled(new ToolCallRequest("call_1", "read", RawJson.Parse("""{"path":"a b.txt"}"""))),
            ProviderEvent.ToolCalled(new ToolCallRequest("call_2", "now", RawJson.EmptyObject) { InvalidArguments = "{\"tz\":" }, 1),
            ProviderEvent.UsageReported(new TokenUsage(5, 9)));
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamResponseAsync(Hi);

        // Arguments that were not JSON go back as the model wrote them.
        Assert.Equal(
            ResponseEvent("response.created", 0, Response("in_progress", "", null))
            + ResponseEvent("response.in_progress", 1, Response("in_progress", "", null))
            + Event("response.output_item.added", 2, """ "output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"} """)
            + Event("response.content_part.added", 3, """ "item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""} """)
            + Event("response.output_text.delta", 4, """ "item_id":"msg_1","output_index":0,"content_index":0,"delta":"Let me look.","logprobs":[] """)
            + Event("response.output_text.done", 5, """ "item_id":"msg_1","output_index":0,"content_index":0,"text":"Let me look.","logprobs":[] """)
            + Event("response.content_part.done", 6, """ "item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me look."} """)
            + Event("response.output_item.done", 7, """ "output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me look."}],"role":"assistant"} """)
            + Event("response.output_item.added", 8, """ "output_index":1,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1","name":"read"} """)
            + Event("response.function_call_arguments.delta", 9, """ "item_id":"fc_1","output_index":1,"delta":"{\"path\":\"a b.txt\"}" """)
            + Event("response.function_call_arguments.done", 10, """ "item_id":"fc_1","output_index":1,"name":"read","arguments":"{\"path\":\"a b.txt\"}" """)
            + Event("response.output_item.done", 11, """ "output_index":1,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"path\":\"a b.txt\"}","call_id":"call_1","name":"read"} """)
            + Event("response.output_item.added", 12, """ "output_index":2,"item":{"id":"fc_2","type":"function_call","status":"in_progress","arguments":"","call_id":"call_2","name":"now"} """)
            + Event("response.function_call_arguments.delta", 13, """ "item_id":"fc_2","output_index":2,"delta":"{\"tz\":" """)
            + Event("response.function_call_arguments.done", 14, """ "item_id":"fc_2","output_index":2,"name":"now","arguments":"{\"tz\":" """)
            + Event("response.output_item.done", 15, """ "output_index":2,"item":{"id":"fc_2","type":"function_call","status":"completed","arguments":"{\"tz\":","call_id":"call_2","name":"now"} """)
            + ResponseEvent("response.completed", 16, Response("completed", """ {"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me look."}],"role":"assistant"},{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"path\":\"a b.txt\"}","call_id":"call_1","name":"read"},{"id":"fc_2","type":"function_call","status":"completed","arguments":"{\"tz\":","call_id":"call_2","name":"now"} """, Usage(5, 9))),
            Normalize(body));
    }

    [Fact]
    public async Task ReasoningStreamsAsASummaryAndATruncatedAnswerIsIncomplete()
    {
        var model = new ScriptedModelProvider().Then(
            ProviderEvent.ReasoningDelta("Hmm"), ProviderEvent.ReasoningCaptured(new ReasoningItem(ReasoningSource.OpenAiResponses, "Hmm", EncryptedContent: "gAAA")),
            ProviderEvent.TextDelta("Yes"), ProviderEvent.Finished(FinishReason.Length));
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamResponseAsync(Hi);

        Assert.Equal(
            ResponseEvent("response.created", 0, Response("in_progress", "", null))
            + ResponseEvent("response.in_progress", 1, Response("in_progress", "", null))
            + Event("response.output_item.added", 2, """ "output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]} """)
            + Event("response.reasoning_summary_part.added", 3, """ "item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""} """)
            + Event("response.reasoning_summary_text.delta", 4, """ "item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Hmm" """)
            + Event("response.reasoning_summary_text.done", 5, """ "item_id":"rs_1","output_index":0,"summary_index":0,"text":"Hmm" """)
            + Event("response.reasoning_summary_part.done", 6, """ "item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"Hmm"} """)
            + Event("response.output_item.done", 7, """ "output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Hmm"}],"encrypted_content":"gAAA"} """)
            + Event("response.output_item.added", 8, """ "output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"} """)
            + Event("response.content_part.added", 9, """ "item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""} """)
            + Event("response.output_text.delta", 10, """ "item_id":"msg_1","output_index":1,"content_index":0,"delta":"Yes","logprobs":[] """)
            + Event("response.output_text.done", 11, """ "item_id":"msg_1","output_index":1,"content_index":0,"text":"Yes","logprobs":[] """)
            + Event("response.content_part.done", 12, """ "item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"Yes"} """)
            + Event("response.output_item.done", 13, """ "output_index":1,"item":{"id":"msg_1","type":"message","status":"incomplete","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Yes"}],"role":"assistant"} """)
            + ResponseEvent("response.incomplete", 14, Response("incomplete", """ {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Hmm"}],"encrypted_content":"gAAA"},{"id":"msg_1","type":"message","status":"incomplete","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Yes"}],"role":"assistant"} """, Usage(0, 0), incomplete: """ {"reason":"max_output_tokens"} """)),
            Normalize(body));
    }

    [Fact]
    public async Task AFailureAfterTheStreamStartedEndsItWithResponseFailed()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.TextDelta("Par"), ProviderEvent.Failed("upstream stream ended before completion"));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamResponseAsync(Hi);

        Assert.Equal(200, head.StatusCode);
        Assert.Equal(
            ResponseEvent("response.created", 0, Response("in_progress", "", null))
            + ResponseEvent("response.in_progress", 1, Response("in_progress", "", null))
            + Event("response.output_item.added", 2, """ "output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"} """)
            + Event("response.content_part.added", 3, """ "item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""} """)
            + Event("response.output_text.delta", 4, """ "item_id":"msg_1","output_index":0,"content_index":0,"delta":"Par","logprobs":[] """)
            + ResponseEvent("response.failed", 5, Response("failed", """ {"id":"msg_1","type":"message","status":"incomplete","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Par"}],"role":"assistant"} """, null, error: """ {"code":"server_error","message":"upstream stream ended before completion"} """)),
            Normalize(body));
    }

    [Theory]
    [InlineData(429, "rate_limit_error", "\"rate_limit_exceeded\"")]
    [InlineData(504, "upstream_error", "null")]
    public async Task AFailureBeforeTheFirstEventIsAnsweredWithItsOwnStatus(int status, string type, string code)
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.Failed("upstream said no", status));
        await using var host = await ChatTestHost.StartAsync(model);

        var (head, body) = await host.StreamResponseAsync(Hi);

        Assert.Equal(status, head.StatusCode);
        Assert.Equal("application/json", head.Header("Content-Type"));
        Assert.Equal($$"""{"error":{"message":"upstream said no","type":"{{type}}","param":null,"code":{{code}}""" + "}}", body);
    }

    [Fact]
    public async Task AStreamStillRunningWhenTheServerCanWaitNoLongerEndsWithResponseFailed()
    {
        var http = TestServer.FastOptions with { ShutdownTimeout = TimeSpan.FromSeconds(1) };
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenHang("Hel"), http: http);
        await using var connection = await host.PostAsync(ResponsesPath, Hi);
        Assert.Equal("chunked", (await connection.ReadResponseAsync(headRequest: true)).Header("Transfer-Encoding"));
        var body = new StringBuilder();
        while (!body.ToString().Contains("\"delta\":\"Hel\"", StringComparison.Ordinal))
        {
            body.Append(Encoding.UTF8.GetString(await connection.ReadChunkAsync()));
        }

        var stopping = host.Host.StopAsync();
        while (await connection.ReadChunkAsync() is { Length: > 0 } chunk)
        {
            body.Append(Encoding.UTF8.GetString(chunk));
        }

        Assert.EndsWith(
            ResponseEvent("response.failed", 5, Response(
                "failed", """ {"id":"msg_1","type":"message","status":"incomplete","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hel"}],"role":"assistant"} """,
                null, error: """ {"code":"server_error","message":"Server is shutting down"} """)),
            Normalize(body.ToString()),
            StringComparison.Ordinal);
        Assert.True(await connection.IsClosedByServerAsync());
        await stopping.WaitAsync(RawConnection.ReadTimeout);
    }

    [Fact]
    public async Task AnEmptyTurnStillStreamsCreatedInProgressAndCompleted()
    {
        var model = new ScriptedModelProvider().Then();
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamResponseAsync(Hi);

        Assert.Equal(
            ResponseEvent("response.created", 0, Response("in_progress", "", null))
            + ResponseEvent("response.in_progress", 1, Response("in_progress", "", null))
            + ResponseEvent("response.completed", 2, Response("completed", "", Usage(0, 0))),
            Normalize(body));
    }
}
