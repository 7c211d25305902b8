using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Local;
using Gateway.IntegrationTests.Mock;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.Upstream;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary><c>POST /v1/messages/count_tokens</c>: each provider's count (the local tokenizer, Anthropic's own, the mock's words, else an estimate).</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class CountTokensTests : IDisposable
{
    private const string CountPath = "/v1/messages/count_tokens";

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ALocalModelCountsWithItsOwnTokenizer()
    {
        await using var local = LocalModelFiles.Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.MessageAsync("""{"model":"successor-tiny","messages":[{"role":"user","content":"Hi"}]}""", CountPath);

        // <s>, "▁", then one byte-level token per character of the ChatML prompt, as a turn's usage counts them.
        Assert.Equal((200, $$"""{"input_tokens":{{2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length}}}"""), (response.StatusCode, response.Body));
    }

    [Fact]
    public async Task AnAnthropicUpstreamCountsThePromptItself()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"data":[{"type":"model","id":"claude-test"}],"has_more":false}"""), UpstreamReply.Json("""{"input_tokens":1234}"""));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);

        var response = await host.MessageAsync("""
            {"model":"claude-test","max_tokens":10,"temperature":0.5,"system":"Be brief.","tools":[{"name":"bash","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"Hi"}]}
            """, CountPath);

        Assert.Equal((200, """{"input_tokens":1234}"""), (response.StatusCode, response.Body));
        var sent = upstream.Requests[1];
        Assert.Equal("/v1/messages/count_tokens", sent.Target);
        using var body = JsonDocument.Parse(sent.Body);
        // The prompt's fields only: count_tokens refuses max_tokens, stream and sampling options.
        Assert.Equal(["model", "system", "messages", "tools"], body.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task TheMockCountsWordsAndOtherModelsAreEstimatedAtFourBytesAToken()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [MockModels.Provider()]);

        var mock = await host.MessageAsync("""{"model":"mock-1","messages":[{"role":"user","content":"one two three"}]}""", CountPath);
        // The scripted model counts nothing itself: 13 bytes of text and a 9-byte tool name, description and schema.
        var estimated = await host.MessageAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"one two three"}],"tools":[{"name":"t","description":"d","input_schema":{"a":1}}]}
            """, CountPath);

        Assert.Equal((200, """{"input_tokens":3}"""), (mock.StatusCode, mock.Body));
        Assert.Equal((200, """{"input_tokens":6}"""), (estimated.StatusCode, estimated.Body));
    }

    [Fact]
    public async Task ALocalModelCountsTheToolsOfferAsTheTurnReadsIt()
    {
        await using var local = LocalModelFiles.Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);
        const string Request = """
            "model":"successor-tiny","max_tokens":1,"tools":[{"name":"read","description":"Reads a file.","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}],"messages":[{"role":"user","content":"Hi"}]
            """;

        var count = await host.MessageAsync("{" + Request + "}", CountPath);
        var turn = await host.MessageAsync("{" + Request + "}");

        // An auto turn is offered every tool when they fit beside its answer (max_tokens), so the count is the turn's own
        // input, well above the bare prompt's.
        using var usage = JsonDocument.Parse(turn.Body);
        var input = usage.RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt32();
        Assert.Equal((200, $$"""{"input_tokens":{{input}}}"""), (count.StatusCode, count.Body));
        Assert.True(input > 2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length, $"input_tokens {input}");
    }

    [Fact]
    public async Task AnUpstreamThatCannotCountIsA502InAnthropicsShape()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"data":[{"type":"model","id":"claude-test"}],"has_more":false}"""), UpstreamReply.Json("""{"type":"error"}""", 400, "Bad Request"));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http)]);

        var response = await host.MessageAsync("""{"model":"claude-test","messages":[{"role":"user","content":"Hi"}]}""", CountPath);

        Assert.Equal(502, response.StatusCode);
        Assert.StartsWith("""{"type":"error","error":{"type":"api_error","message":""", response.Body, StringComparison.Ordinal);
    }
}
