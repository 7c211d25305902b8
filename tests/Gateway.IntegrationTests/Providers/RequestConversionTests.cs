using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary>The request bodies both providers put on the wire, byte for byte, for a conversation that uses every shape of SPEC §3.</summary>
public sealed class RequestConversionTests : IDisposable
{
    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    private static IReadOnlyList<ChatMessage> Conversation { get; } =
    [
        ChatMessage.System("You are terse."),
        new(ChatRole.User, [ContentPart.FromText("What is in this picture?"), new(ContentPartKind.Image, MediaType: "image/png", Data: "iVBORw0K+go=")], []),
        new(ChatRole.Assistant, [ContentPart.FromText("Let me check.")],
            [new ToolCallRequest("call_1", "read", RawJson.Parse("""{"filePath": "a.txt"}""")), new ToolCallRequest("call_2", "shot", RawJson.EmptyObject)]),
        ChatMessage.ToolResult("call_1", [ContentPart.FromText("<file>…</file>")]),
        new(ChatRole.Tool, [new(ContentPartKind.Image, MediaType: "image/jpeg", Data: "/9j/4AAQ")], [], "call_2"),
        new(ChatRole.Assistant, [], [new ToolCallRequest("call_3", "bash", RawJson.EmptyObject) { InvalidArguments = "{oops" }]),
        ChatMessage.ToolResult("call_3", [ContentPart.FromText("error: invalid arguments")]),
        new(ChatRole.User,
            [
                ContentPart.FromText("And these?"),
                new(ContentPartKind.Document, MediaType: "application/pdf", Data: "JVBERi0x"),
                new(ContentPartKind.Document, MediaType: "text/plain", Data: Convert.ToBase64String(Encoding.UTF8.GetBytes("plain \"notes\" ü"))),
            ],
            []),
        ChatMessage.Assistant("Done.", []),
        ChatMessage.System("Summarise."),
    ];

    private static IReadOnlyList<ToolDefinition> Tools { get; } =
        [new ToolDefinition("read", "Reads a file.", RawJson.Parse("""{"type":"object","properties":{"filePath":{"type":"string"}},"required":["filePath"]}"""))];

    [Fact]
    public async Task OpenAiRequestIsExact()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.Text));
        var provider = new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http);

        await provider.StreamEventsAsync(new ModelTurnRequest("gpt-test", Conversation, Tools), default).CollectAsync();

        const string expected = """
            {"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},"messages":[
            {"role":"system","content":"You are terse."},
            {"role":"user","content":[{"type":"text","text":"What is in this picture?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K+go="}}]},
            {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"read","arguments":"{\"filePath\":\"a.txt\"}"}},{"id":"call_2","type":"function","function":{"name":"shot","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"call_1","content":"<file>…</file>"},
            {"role":"tool","tool_call_id":"call_2","content":"The result is attached in the next message."},
            {"role":"user","content":[{"type":"text","text":"Attachments returned by tool call call_2:"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]},
            {"role":"assistant","content":null,"tool_calls":[{"id":"call_3","type":"function","function":{"name":"bash","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"call_3","content":"error: invalid arguments"},
            {"role":"user","content":[{"type":"text","text":"And these?"},{"type":"file","file":{"filename":"document.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},{"type":"text","text":"plain \"notes\" ü"}]},
            {"role":"assistant","content":"Done."},
            {"role":"system","content":"Summarise."}],
            "tools":[{"type":"function","function":{"name":"read","description":"Reads a file.","parameters":{"type":"object","properties":{"filePath":{"type":"string"}},"required":["filePath"]}}}]}
            """;
        Assert.Equal(expected.Replace("\n", "", StringComparison.Ordinal), Assert.Single(upstream.Requests).Body);
    }

    [Fact]
    public async Task OpenAiRequestWithoutToolsHasNoToolsKey()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.Text));
        var provider = new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http);

        await provider.StreamEventsAsync(ProviderTestKit.Hello("gpt-test"), default).CollectAsync();

        Assert.Equal(
            """{"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""",
            Assert.Single(upstream.Requests).Body);
    }

    [Fact]
    public async Task AnthropicRequestIsExact()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(AnthropicStreamScripts.Full));
        var provider = new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http);

        await provider.StreamEventsAsync(new ModelTurnRequest("claude-test", Conversation, Tools), default).CollectAsync();

        const string expected = """
            {"model":"claude-test","max_tokens":8192,"stream":true,"system":[{"type":"text","text":"You are terse.\n\nSummarise.","cache_control":{"type":"ephemeral"}}],"messages":[
            {"role":"user","content":[{"type":"text","text":"What is in this picture?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0K+go="}}]},
            {"role":"assistant","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"call_1","name":"read","input":{"filePath":"a.txt"}},{"type":"tool_use","id":"call_2","name":"shot","input":{}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"<file>…</file>"},{"type":"tool_result","tool_use_id":"call_2","content":[{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]}]},
            {"role":"assistant","content":[{"type":"tool_use","id":"call_3","name":"bash","input":{}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_3","content":"error: invalid arguments"}]},
            {"role":"user","content":[{"type":"text","text":"And these?"},{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain \"notes\" ü"},"cache_control":{"type":"ephemeral"}}]},
            {"role":"assistant","content":[{"type":"text","text":"Done.","cache_control":{"type":"ephemeral"}}]}],
            "tools":[{"name":"read","description":"Reads a file.","input_schema":{"type":"object","properties":{"filePath":{"type":"string"}},"required":["filePath"]},"cache_control":{"type":"ephemeral"}}]}
            """;
        Assert.Equal(expected.Replace("\n", "", StringComparison.Ordinal), Assert.Single(upstream.Requests).Body);
    }

    [Fact]
    public async Task AnthropicRequestWithoutSystemOrToolsHasNeitherKey()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(AnthropicStreamScripts.Full));
        var provider = new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", _http) { MaxTokens = 1024 };

        await provider.StreamEventsAsync(ProviderTestKit.Hello("claude-test"), default).CollectAsync();

        Assert.Equal(
            """{"model":"claude-test","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}]}""",
            Assert.Single(upstream.Requests).Body);
    }

    /// <summary>The choice ("auto", "none", "required" or a tool's name), parallel_tool_calls, and what each API gets.</summary>
    public static TheoryData<string, bool?, string, string> ToolChoices => new()
    {
        { "auto", null, "", "" },
        { "auto", false, ""","parallel_tool_calls":false""", ""","tool_choice":{"type":"auto","disable_parallel_tool_use":true}""" },
        { "none", false, ""","tool_choice":"none","parallel_tool_calls":false""", ""","tool_choice":{"type":"none"}""" },
        { "required", true, ""","tool_choice":"required","parallel_tool_calls":true""", ""","tool_choice":{"type":"any"}""" },
        { "read", null, ""","tool_choice":{"type":"function","function":{"name":"read"}}""", ""","tool_choice":{"type":"tool","name":"read"}""" },
    };

    /// <summary>The front door's tool choices in each API's terms; with no tools on offer, neither API gets any (OpenAI refuses them then).</summary>
    [Theory]
    [MemberData(nameof(ToolChoices))]
    public void ToolChoiceIsWrittenInEachApisTerms(string choice, bool? parallel, string openAi, string anthropic)
    {
        var toolChoice = choice switch
        {
            "auto" => new ToolChoice(ToolChoiceMode.Auto),
            "none" => new ToolChoice(ToolChoiceMode.None),
            "required" => new ToolChoice(ToolChoiceMode.Required),
            _ => ToolChoice.Named(choice),
        };
        var options = new TurnOptions { ToolChoice = toolChoice, ParallelToolCalls = parallel };
        var withTools = new ModelTurnRequest("m", [ChatMessage.User("Hi")], Tools) { Options = options };
        var withoutTools = withTools with { Tools = [] };
        const string ReadTool = """{"name":"read","description":"Reads a file.","parameters":{"type":"object","properties":{"filePath":{"type":"string"}},"required":["filePath"]}}""";

        Assert.Equal(
            """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]""" + openAi
            + ""","tools":[{"type":"function","function":""" + ReadTool + "}]}",
            Encoding.UTF8.GetString(OpenAiCompatibleProvider.WriteRequestBody(withTools)));
        Assert.Equal(
            """{"model":"m","max_tokens":8192,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}]""" + anthropic
            + ""","tools":[{"name":"read","description":"Reads a file.","input_schema":{"type":"object","properties":{"filePath":{"type":"string"}},"required":["filePath"]},"cache_control":{"type":"ephemeral"}}]}""",
            Encoding.UTF8.GetString(AnthropicProvider.WriteRequestBody(withTools)));
        Assert.DoesNotContain("tool_choice", Encoding.UTF8.GetString(OpenAiCompatibleProvider.WriteRequestBody(withoutTools)), StringComparison.Ordinal);
        Assert.DoesNotContain("tool_choice", Encoding.UTF8.GetString(AnthropicProvider.WriteRequestBody(withoutTools)), StringComparison.Ordinal);
    }

    [Fact]
    public void SamplingOptionsAreWrittenUnderEachApisNames()
    {
        var request = ProviderTestKit.Hello("m") with
        {
            Options = new TurnOptions { Temperature = 0.25, TopP = 0.5, MaxTokens = 64, Stop = ["END", "STOP"], User = "u-1" },
        };

        Assert.Equal(
            """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}],"temperature":0.25,"top_p":0.5,"max_tokens":64,"stop":["END","STOP"],"user":"u-1"}""",
            Encoding.UTF8.GetString(OpenAiCompatibleProvider.WriteRequestBody(request)));
        Assert.Equal(
            """{"model":"m","max_tokens":64,"stream":true,"temperature":0.25,"top_p":0.5,"stop_sequences":["END","STOP"],"metadata":{"user_id":"u-1"},"messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}]}""",
            Encoding.UTF8.GetString(AnthropicProvider.WriteRequestBody(request)));
    }
}
