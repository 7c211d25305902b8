using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;
using static Gateway.IntegrationTests.Anthropic.MessagesTestKit;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>
/// The Messages door on the in-process successor model, which answers a chat with A, B, C, … one token each: its text
/// as Anthropic's events with the real token counts, and a call it must make as a tool_use block.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class MessagesLocalModelTests
{
    /// <summary>&lt;s&gt;, "▁", then one token per character of the ChatML prompt.</summary>
    private static readonly int s_promptTokens = 2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length;

    [Fact]
    public async Task MaxTokensCutsTheStreamedAnswerWithStopReasonMaxTokensAndRealUsage()
    {
        await using var local = LocalModelFiles.Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var (_, body) = await host.StreamMessageAsync("""{"model":"successor-tiny","max_tokens":3,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(
            MessageStart("successor-tiny")
            + Event("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"A"}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"B"}}""")
            + Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"C"}}""")
            + Event("""{"type":"content_block_stop","index":0}""")
            + MessageEnd("max_tokens", Usage(s_promptTokens, 3)),
            Normalize(body));
    }

    [Fact]
    public async Task ACallTheModelMustMakeIsAToolUseBlock()
    {
        await using var local = LocalModelFiles.Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.MessageAsync("""
            {"model":"successor-tiny","max_tokens":100,"tool_choice":{"type":"any"},
             "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["unit"]}}],
             "messages":[{"role":"user","content":"Hi"}]}
            """);

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("\"content\":[{\"type\":\"tool_use\",", response.Body, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"get_weather\",\"input\":{\"unit\":\"fahrenheit\"}}],\"stop_reason\":\"tool_use\",", response.Body, StringComparison.Ordinal);
    }
}
