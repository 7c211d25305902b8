using System.Text;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary>
/// Anthropic prompt-caching breakpoints (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching): the last tool,
/// the system text, the latest message and the end of the turn before the latest assistant message; never more than four.
/// </summary>
public sealed class AnthropicCacheBreakpointTests
{
    private const string Cache = ""","cache_control":{"type":"ephemeral"}""";

    private static readonly IReadOnlyList<ToolDefinition> Tools =
    [
        new("read", "Reads a file.", RawJson.Parse("""{"type":"object"}""")),
        new("bash", "Runs a command.", RawJson.Parse("""{"type":"object"}""")),
    ];

    [Fact]
    public void AnAgentLoopMarksTheLastToolTheSystemThePreviousTurnAndTheLatestMessage()
    {
        IReadOnlyList<ChatMessage> messages =
        [
            ChatMessage.System("Be brief."),
            ChatMessage.User("Look around"),
            ChatMessage.Assistant("", [new ToolCallRequest("t1", "bash", RawJson.Parse("""{"command":"ls"}"""))]),
            ChatMessage.ToolResult("t1", [ContentPart.FromText("a.txt")]),
            ChatMessage.Assistant("", [new ToolCallRequest("t2", "read", RawJson.Parse("""{"path":"a.txt"}"""))]),
            ChatMessage.ToolResult("t2", [ContentPart.FromText("hello")]),
        ];

        var body = Body(new ModelTurnRequest("m", messages, Tools));

        Assert.Equal(
            $$$"""
            {"model":"m","max_tokens":8192,"stream":true,"system":[{"type":"text","text":"Be brief."{{{Cache}}}}],"messages":[
            {"role":"user","content":"Look around"},
            {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"bash","input":{"command":"ls"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"a.txt"{{{Cache}}}}]},
            {"role":"assistant","content":[{"type":"tool_use","id":"t2","name":"read","input":{"path":"a.txt"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":"hello"{{{Cache}}}}]}],
            "tools":[{"name":"read","description":"Reads a file.","input_schema":{"type":"object"}},
            {"name":"bash","description":"Runs a command.","input_schema":{"type":"object"}{{{Cache}}}}]}
            """.Replace("\n", "", StringComparison.Ordinal),
            body);
    }

    [Fact]
    public void NeverMoreThanFourMarksHoweverLongTheHistory()
    {
        var messages = new List<ChatMessage> { ChatMessage.System("Be brief."), ChatMessage.User("Go") };
        for (var i = 0; i < 30; i++)
        {
            messages.Add(ChatMessage.Assistant($"Step {i}.", [new ToolCallRequest($"t{i}", "bash", RawJson.EmptyObject)]));
            messages.Add(ChatMessage.ToolResult($"t{i}", [ContentPart.FromText("ok"), new ContentPart(ContentPartKind.Image, MediaType: "image/png", Data: "iVBORw0KGgo=")]));
        }
        messages.Add(ChatMessage.User("And now?"));
        messages.Add(ChatMessage.System("Summarise."));

        var body = Body(new ModelTurnRequest("m", messages, Tools));

        Assert.Equal(4, body.Split("cache_control").Length - 1);
        // The summary instruction joins the system text; the latest message is the user's; the turn before the latest
        // assistant message (the request that came before it) ended with t28's result.
        Assert.Contains($$$"""{"type":"tool_result","tool_use_id":"t28","content":[{"type":"text","text":"ok"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]{{{Cache}}}}]}""", body, StringComparison.Ordinal);
        Assert.Contains($$$"""{"role":"user","content":[{"type":"text","text":"And now?"{{{Cache}}}}]}]""", body, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyTextMessageIsNotMarked()
    {
        // The API refuses empty text blocks, so the content stays a string and the mark is left out.
        var body = Body(new ModelTurnRequest("m", [ChatMessage.User("")], []));

        Assert.Equal("""{"model":"m","max_tokens":8192,"stream":true,"messages":[{"role":"user","content":""}]}""", body);
    }

    private static string Body(ModelTurnRequest request) => Encoding.UTF8.GetString(AnthropicProvider.WriteRequestBody(request));
}
