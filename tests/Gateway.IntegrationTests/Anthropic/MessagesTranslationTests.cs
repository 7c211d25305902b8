using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using static Gateway.IntegrationTests.Anthropic.MessagesTestKit;
using static Gateway.IntegrationTests.Infrastructure.Upstream.ProviderTestKit;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>
/// The Messages door over real providers and a fake upstream on loopback: an Anthropic upstream's stream comes back
/// near-lossless (thinking signatures, cache usage, stop sequences), an OpenAI-compatible one's is translated both ways.
/// </summary>
public sealed class MessagesTranslationTests : IDisposable
{
    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task AnAnthropicStreamComesBackBlockForBlockWithItsSignatureAndCacheUsage()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(AnthropicStreamScripts.Full, Chunking.Awkward));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);

        var (_, body) = await host.StreamMessageAsync("""{"model":"claude-test","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(
            MessageStart("claude-test")
            + Event("""{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think…"}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}""")
            + Event("""{"type":"content_block_stop","index":0}""")
            + Event("""{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}""")
            + Event("""{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hel"}}""")
            + Event("""{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"lo 🙂"}}""")
            + Event("""{"type":"content_block_stop","index":1}""")
            + Event("""{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"bash","input":{}}}""")
            + Event("""{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"command\": \"ls"}}""")
            + Event("""{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":" -la\"}"}}""")
            + Event("""{"type":"content_block_stop","index":2}""")
            + Event("""{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_2","name":"now","input":{}}}""")
            + Event("""{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}""")
            + Event("""{"type":"content_block_stop","index":3}""")
            + MessageEnd("tool_use", Usage(25, 42, cacheWrites: 7, cacheReads: 10)),
            Normalize(body));
    }

    [Fact]
    public async Task TheAnthropicUpstreamGetsTheCallersOptionsThinkingBudgetAndSignedThinkingBack()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(AnthropicStreamScripts.StopSequence));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);

        var response = await host.MessageAsync("""
            {"model":"claude-test","max_tokens":9000,"top_k":5,"stop_sequences":["END"],"thinking":{"type":"enabled","budget_tokens":2048},
             "system":"Be brief.","tools":[{"name":"bash","input_schema":{"type":"object"}}],
             "messages":[{"role":"user","content":"List files"},
               {"role":"assistant","content":[{"type":"thinking","thinking":"Hmm","signature":"c2ln"},{"type":"tool_use","id":"toolu_1","name":"bash","input":{"command":"ls"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt","is_error":true}]}]}
            """);

        Assert.Equal(
            """{"id":"msg_ID","type":"message","role":"assistant","model":"claude-test","content":[{"type":"text","text":"a.txt"}],"stop_reason":"stop_sequence","stop_sequence":"END","usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}}""",
            Normalize(response.Body));
        using var sent = JsonDocument.Parse(upstream.Requests[1].Body);
        var root = sent.RootElement;
        // The caller's budget is within its max_tokens, as Anthropic counts it; thinking allows no top_k.
        Assert.Equal(9000, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal("""{"type":"enabled","budget_tokens":2048}""", root.GetProperty("thinking").GetRawText());
        Assert.False(root.TryGetProperty("top_k", out _));
        Assert.Equal("""["END"]""", root.GetProperty("stop_sequences").GetRawText());
        Assert.Equal(
            """[{"type":"thinking","thinking":"Hmm","signature":"c2ln"},{"type":"tool_use","id":"toolu_1","name":"bash","input":{"command":"ls"}}]""",
            root.GetProperty("messages")[1].GetProperty("content").GetRawText().Replace(""","cache_control":{"type":"ephemeral"}""", "", StringComparison.Ordinal));
        Assert.True(root.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("is_error").GetBoolean());
    }

    [Fact]
    public async Task TheCallersCacheMarksReachAnAnthropicUpstreamWhereItPutThemAndTheGatewayAddsNone()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(AnthropicListing), UpstreamReply.Sse(AnthropicStreamScripts.CachedText));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);

        var response = await host.MessageAsync("""
            {"model":"claude-test","max_tokens":100,
             "system":[{"type":"text","text":"You are a CLI."},{"type":"text","text":"Project notes.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
             "tools":[{"name":"a","input_schema":{"type":"object"}},{"name":"b","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":[{"type":"text","text":"Read a"},{"type":"text","text":"now","cache_control":{"type":"ephemeral"}}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"a","input":{},"cache_control":{"type":"ephemeral"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"text of a"}]}]}
            """);

        Assert.Equal(200, response.StatusCode);
        using var sent = JsonDocument.Parse(upstream.Requests[1].Body);
        var root = sent.RootElement;
        Assert.Equal(
            """[{"type":"text","text":"You are a CLI."},{"type":"text","text":"Project notes.","cache_control":{"type":"ephemeral","ttl":"1h"}}]""",
            root.GetProperty("system").GetRawText());
        Assert.Equal(
            """[{"name":"a","description":"","input_schema":{"type":"object"}},{"name":"b","description":"","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}]""",
            root.GetProperty("tools").GetRawText());
        Assert.Equal(
            """[{"role":"user","content":[{"type":"text","text":"Read a"},{"type":"text","text":"now","cache_control":{"type":"ephemeral"}}]},"""
            + """{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"a","input":{},"cache_control":{"type":"ephemeral"}}]},"""
            + """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"text of a"}]}]""",
            root.GetProperty("messages").GetRawText());
        // Its usage reads the cache: 20 uncached, 40 written, 3548 read.
        Assert.EndsWith(""","usage":{"input_tokens":20,"cache_creation_input_tokens":40,"cache_read_input_tokens":3548,"output_tokens":2}}""", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterleavedParallelCallsOfAnOpenAiUpstreamBecomeOneBlockAtATime()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.ParallelToolCalls));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var (_, body) = await host.StreamMessageAsync("""
            {"model":"gpt-test","max_tokens":100,"stream":true,"tools":[{"name":"read","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"Go"}]}
            """);

        // Call 0 streams live; calls 1 and 2 started while it was open, so each comes whole once call 0's block ends.
        Assert.Equal(
            MessageStart("gpt-test")
            + Event("""{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"call_a","name":"read","input":{}}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"filePath\":"}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":" \"docs/a b.txt\"}"}}""")
            + Event("""{"type":"content_block_stop","index":0}""")
            + Event("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_b","name":"now","input":{}}}""")
            + Event("""{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{}"}}""")
            + Event("""{"type":"content_block_stop","index":1}""")
            + Event("""{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_c","name":"bash","input":{}}}""")
            + Event("""{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"command\":\"ls -la\"}"}}""")
            + Event("""{"type":"content_block_stop","index":2}""")
            + MessageEnd("tool_use", Usage(0, 0)),
            Normalize(body));
    }

    [Fact]
    public async Task AnOpenAiUpstreamGetsTheConversationInItsOwnTermsAndItsCachedInputIsTakenOff()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing), UpstreamReply.Sse(OpenAiStreamScripts.Text));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http)]);

        var response = await host.MessageAsync("""
            {"model":"gpt-test","max_tokens":50,"temperature":0.2,"system":"Be brief.","metadata":{"user_id":"u-7"},
             "tools":[{"name":"read","description":"Reads.","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}],"tool_choice":{"type":"any"},
             "messages":[{"role":"user","content":"Read a"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"read","input":{"path":"a"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"text of a"}]}]}
            """);

        // prompt_tokens 9 include 4 cached: Anthropic's input_tokens are the other 5.
        Assert.Equal(
            """{"id":"msg_ID","type":"message","role":"assistant","model":"gpt-test","content":[{"type":"text","text":"Hello, wörld 🙂 \"quoted\""}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":4,"output_tokens":3}}""",
            Normalize(response.Body));
        using var sent = JsonDocument.Parse(upstream.Requests[1].Body);
        var root = sent.RootElement;
        Assert.Equal(
            ("gpt-test", 50, 0.2, "u-7", "\"required\""),
            (root.GetProperty("model").GetString(), root.GetProperty("max_tokens").GetInt32(), root.GetProperty("temperature").GetDouble(),
             root.GetProperty("user").GetString(), root.GetProperty("tool_choice").GetRawText()));
        Assert.Equal(
            """[{"role":"system","content":"Be brief."},{"role":"user","content":"Read a"},{"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"read","arguments":"{\"path\":\"a\"}"}}]},{"role":"tool","tool_call_id":"toolu_1","content":"text of a"}]""",
            root.GetProperty("messages").GetRawText());
    }
}
