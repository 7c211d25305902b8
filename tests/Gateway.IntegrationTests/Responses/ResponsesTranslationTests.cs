using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using static Gateway.IntegrationTests.Infrastructure.Upstream.ProviderTestKit;
using static Gateway.IntegrationTests.Responses.ResponsesTestKit;

namespace Gateway.IntegrationTests.Responses;

/// <summary>
/// The Responses door over real providers and a fake upstream on loopback: each API's answer translated into the
/// Responses API's items and events, and what each API gets back from a caller's items (reasoning included).
/// </summary>
public sealed class ResponsesTranslationTests : IDisposable
{
    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task AResponsesUpstreamStreamsThroughAsTheSameEvents()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiResponsesStreamScripts.ReasoningTextAndCall, Chunking.Awkward));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiResponsesProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var (_, body) = await host.StreamResponseAsync("""{"model":"gpt-test","stream":true,"input":"Weather in Paris?"}""");

        const string Model = "gpt-test";
        Assert.Equal(
            ResponseEvent("response.created", 0, Response("in_progress", "", null, model: Model))
            + ResponseEvent("response.in_progress", 1, Response("in_progress", "", null, model: Model))
            + Event("response.output_item.added", 2, """ "output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]} """)
            + Event("response.reasoning_summary_part.added", 3, """ "item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""} """)
            + Event("response.reasoning_summary_text.delta", 4, """ "item_id":"rs_1","output_index":0,"summary_index":0,"delta":"**Checking the weather**" """)
            + Event("response.reasoning_summary_text.done", 5, """ "item_id":"rs_1","output_index":0,"summary_index":0,"text":"**Checking the weather**" """)
            + Event("response.reasoning_summary_part.done", 6, """ "item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"**Checking the weather**"} """)
            + Event("response.output_item.done", 7, """ "output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"**Checking the weather**"}],"encrypted_content":"gAAAAABoENC1"} """)
            + Event("response.output_item.added", 8, """ "output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"} """)
            + Event("response.content_part.added", 9, """ "item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""} """)
            + Event("response.output_text.delta", 10, """ "item_id":"msg_1","output_index":1,"content_index":0,"delta":"Let me look.","logprobs":[] """)
            + Event("response.output_text.done", 11, """ "item_id":"msg_1","output_index":1,"content_index":0,"text":"Let me look.","logprobs":[] """)
            + Event("response.content_part.done", 12, """ "item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me look."} """)
            + Event("response.output_item.done", 13, """ "output_index":1,"item":{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me look."}],"role":"assistant"} """)
            + Event("response.output_item.added", 14, """ "output_index":2,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1234xyz","name":"get_weather"} """)
            + Event("response.function_call_arguments.delta", 15, """ "item_id":"fc_1","output_index":2,"delta":"{\"" """)
            + Event("response.function_call_arguments.delta", 16, """ "item_id":"fc_1","output_index":2,"delta":"location" """)
            + Event("response.function_call_arguments.delta", 17, """ "item_id":"fc_1","output_index":2,"delta":"\":\"" """)
            + Event("response.function_call_arguments.delta", 18, """ "item_id":"fc_1","output_index":2,"delta":"Paris" """)
            + Event("response.function_call_arguments.delta", 19, """ "item_id":"fc_1","output_index":2,"delta":"," """)
            + Event("response.function_call_arguments.delta", 20, """ "item_id":"fc_1","output_index":2,"delta":" France" """)
            + Event("response.function_call_arguments.delta", 21, """ "item_id":"fc_1","output_index":2,"delta":"\"}" """)
            + Event("response.function_call_arguments.done", 22, """ "item_id":"fc_1","output_index":2,"name":"get_weather","arguments":"{\"location\":\"Paris, France\"}" """)
            + Event("response.output_item.done", 23, """ "output_index":2,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"location\":\"Paris, France\"}","call_id":"call_1234xyz","name":"get_weather"} """)
            + ResponseEvent("response.completed", 24, Response("completed", """ {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"**Checking the weather**"}],"encrypted_content":"gAAAAABoENC1"},{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me look."}],"role":"assistant"},{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"location\":\"Paris, France\"}","call_id":"call_1234xyz","name":"get_weather"} """, Usage(120, 40, cached: 64), model: Model)),
            Normalize(body));
    }

    [Fact]
    public async Task AResponsesUpstreamGetsACallersItemsBackAsItsOwn()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiResponsesStreamScripts.ReasoningTextAndCall));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiResponsesProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var response = await host.RespondAsync("""
            {"model":"gpt-test","instructions":"Be brief.","input":[
             {"role":"user","content":"Weather in Paris?"},
             {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"**Checking**"}],"encrypted_content":"gAAAAABoENC1"},
             {"type":"function_call","id":"fc_1","call_id":"call_1234xyz","name":"get_weather","arguments":"{\"location\":\"Paris\"}","status":"completed"},
             {"type":"function_call_output","call_id":"call_1234xyz","output":"21°C"}]}
            """);

        Assert.Equal(200, response.StatusCode);
        // Reasoning goes back id-less with its encrypted content (nothing is stored upstream), before the call it led to.
        Assert.Contains(
            """
            "instructions":"Be brief.","input":[{"role":"user","content":"Weather in Paris?"},{"type":"reasoning","summary":[{"type":"summary_text","text":"**Checking**"}],"encrypted_content":"gAAAAABoENC1"},{"type":"function_call","call_id":"call_1234xyz","name":"get_weather","arguments":"{\"location\":\"Paris\"}"},{"type":"function_call_output","call_id":"call_1234xyz","output":"21°C"}]
            """,
            upstream.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnthropicTurnsThinkingGoesBackToItFromAStatelessCallersItems()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(AnthropicStreamScripts.ThinkingThenToolCall), UpstreamReply.Sse(AnthropicStreamScripts.CachedText));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);
        const string Request = """{"model":"claude-test","store":false,"reasoning":{"effort":"low"},"tools":[{"type":"function","name":"echo","parameters":{"type":"object"}}],"input":""";

        var first = await host.RespondAsync(Request + """ "Say hi" }""");
        using var answer = JsonDocument.Parse(first.Body);
        var output = answer.RootElement.GetProperty("output");
        var second = await host.RespondAsync(
            Request + $$"""[{"role":"user","content":"Say hi"},{{string.Join(",", output.EnumerateArray().Select(item => item.GetRawText()))}},{"type":"function_call_output","call_id":"toolu_9","output":"hi"}]}""");

        // Each thinking block is a reasoning item whose encrypted_content carries its signature (or redacted data) back.
        Assert.Equal(
            """
            {"id":"resp_1","object":"response","created_at":0,"status":"completed","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"claude-test","output":[{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Let me solve this step by step:\n\n1. First break down 27 * 453"}],"encrypted_content":"gateway.anthropic.thinking:EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."},{"id":"rs_2","type":"reasoning","summary":[],"encrypted_content":"gateway.anthropic.redacted:EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qyHzAvKKHLI/GnyMFEoYBJ0sgvfd4lTlmKNxiaDTcDfZGPDUFbbAsDOEALHEl"},{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"text\":\"hi\"}","call_id":"toolu_9","name":"echo"}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":"low"},"store":false,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[{"type":"function","name":"echo","parameters":{"type":"object"}}],"top_p":null,"truncation":"disabled","usage":{"input_tokens":3560,"input_tokens_details":{"cached_tokens":2048},"output_tokens":30,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":3590},"user":null,"metadata":{}}
            """,
            Normalize(first.Body));
        Assert.Equal(200, second.StatusCode);
        Assert.Contains(
            """
            {"role":"assistant","content":[{"type":"thinking","thinking":"Let me solve this step by step:\n\n1. First break down 27 * 453","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."},{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qyHzAvKKHLI/GnyMFEoYBJ0sgvfd4lTlmKNxiaDTcDfZGPDUFbbAsDOEALHEl"},{"type":"tool_use","id":"toolu_9","name":"echo","input":{"text":"hi"}
            """,
            upstream.Requests[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletionsCallsStreamingSideBySideStayApartByOutputIndex()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.ParallelToolCalls, Chunking.Every(1)));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        const string Format = """{"format":{"type":"json_schema","name":"a","schema":{"type":"object"},"strict":true}}""";
        var (_, body) = await host.StreamResponseAsync("""{"model":"gpt-test","stream":true,"input":"Hi","text":""" + Format + "}");

        const string Model = "gpt-test";
        Assert.Equal(
            ResponseEvent("response.created", 0, Response("in_progress", "", null, model: Model, text: Format))
            + ResponseEvent("response.in_progress", 1, Response("in_progress", "", null, model: Model, text: Format))
            + Event("response.output_item.added", 2, """ "output_index":0,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_a","name":"read"} """)
            + Event("response.function_call_arguments.delta", 3, """ "item_id":"fc_1","output_index":0,"delta":"{\"filePath\":" """)
            + Event("response.output_item.added", 4, """ "output_index":1,"item":{"id":"fc_2","type":"function_call","status":"in_progress","arguments":"","call_id":"call_b","name":"now"} """)
            + Event("response.output_item.added", 5, """ "output_index":2,"item":{"id":"fc_3","type":"function_call","status":"in_progress","arguments":"","call_id":"call_c","name":"bash"} """)
            + Event("response.function_call_arguments.delta", 6, """ "item_id":"fc_3","output_index":2,"delta":"{\"command\":\"l" """)
            + Event("response.function_call_arguments.delta", 7, """ "item_id":"fc_1","output_index":0,"delta":" \"docs/a b.txt\"}" """)
            + Event("response.function_call_arguments.delta", 8, """ "item_id":"fc_3","output_index":2,"delta":"s -la\"}" """)
            + Event("response.function_call_arguments.done", 9, """ "item_id":"fc_1","output_index":0,"name":"read","arguments":"{\"filePath\":\"docs/a b.txt\"}" """)
            + Event("response.output_item.done", 10, """ "output_index":0,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"filePath\":\"docs/a b.txt\"}","call_id":"call_a","name":"read"} """)
            + Event("response.function_call_arguments.delta", 11, """ "item_id":"fc_2","output_index":1,"delta":"{}" """)
            + Event("response.function_call_arguments.done", 12, """ "item_id":"fc_2","output_index":1,"name":"now","arguments":"{}" """)
            + Event("response.output_item.done", 13, """ "output_index":1,"item":{"id":"fc_2","type":"function_call","status":"completed","arguments":"{}","call_id":"call_b","name":"now"} """)
            + Event("response.function_call_arguments.done", 14, """ "item_id":"fc_3","output_index":2,"name":"bash","arguments":"{\"command\":\"ls -la\"}" """)
            + Event("response.output_item.done", 15, """ "output_index":2,"item":{"id":"fc_3","type":"function_call","status":"completed","arguments":"{\"command\":\"ls -la\"}","call_id":"call_c","name":"bash"} """)
            + ResponseEvent("response.completed", 16, Response("completed", """ {"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"filePath\":\"docs/a b.txt\"}","call_id":"call_a","name":"read"},{"id":"fc_2","type":"function_call","status":"completed","arguments":"{}","call_id":"call_b","name":"now"},{"id":"fc_3","type":"function_call","status":"completed","arguments":"{\"command\":\"ls -la\"}","call_id":"call_c","name":"bash"} """, Usage(0, 0), model: Model, text: Format)),
            Normalize(body));
        Assert.Contains(
            ""","response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"object"},"strict":true}}""",
            upstream.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientLeavingAStreamClosesTheUpstreamConnection()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);
        var connection = await host.PostAsync(ResponsesPath, """{"model":"gpt-test","stream":true,"input":"Hi"}""");
        Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
        Assert.Contains("response.created", System.Text.Encoding.UTF8.GetString(await connection.ReadChunkAsync()), StringComparison.Ordinal);

        await connection.DisposeAsync();

        await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
