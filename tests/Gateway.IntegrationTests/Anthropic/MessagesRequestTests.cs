using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>What a Messages request becomes (the turn the provider gets), and every refusal, in Anthropic's error shape.</summary>
public sealed class MessagesRequestTests
{
    private const string Hi = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    public static TheoryData<string, int, string, string> Refusals => new()
    {
        { "not json", 400, "invalid_request_error", "The request body is not a valid JSON object" },
        { """{"max_tokens":5,""" + Hi + "}", 400, "invalid_request_error", "model: Field required" },
        { """{"model":"test-model",""" + Hi + "}", 400, "invalid_request_error", "max_tokens: Field required" },
        { """{"model":"test-model","max_tokens":0,""" + Hi + "}", 400, "invalid_request_error", "max_tokens: must be an integer of at least 1" },
        { """{"model":"test-model","max_tokens":5,"messages":[]}""", 400, "invalid_request_error", "messages: a non-empty array is required" },
        { """{"model":"test-model","max_tokens":5,"messages":[{"role":"tool","content":"Hi"}]}""", 400, "invalid_request_error", "messages.0.role: must be one of user, assistant, system" },
        { """{"model":"test-model","max_tokens":5,"messages":[{"role":"user","content":7}]}""", 400, "invalid_request_error", "messages.0.content: a string or an array of content blocks is required" },
        { """{"model":"test-model","max_tokens":5,"messages":[{"role":"user","content":[{"type":"audio"}]}]}""", 400, "invalid_request_error", "messages.0.content.0.type: must be one of text, image, document, tool_result in a user message" },
        { """{"model":"test-model","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n"}]}]}""", 400, "invalid_request_error", "messages.0.content.0.input: an object is required" },
        { """{"model":"test-model","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", 400, "invalid_request_error", "messages.0.content.0.source.type: must be base64 or url" },
        { """{"model":"test-model","max_tokens":5,"system":[{"type":"image"}],""" + Hi + "}", 400, "invalid_request_error", "system.0.type: system blocks must be text" },
        { """{"model":"test-model","max_tokens":5,"temperature":1.5,""" + Hi + "}", 400, "invalid_request_error", "temperature: must be a number from 0 to 1" },
        { """{"model":"test-model","max_tokens":5,"stop_sequences":"END",""" + Hi + "}", 400, "invalid_request_error", "stop_sequences: must be an array of strings" },
        { """{"model":"test-model","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],""" + Hi + "}", 400, "invalid_request_error", "tools.0.type: 'web_search_20250305' is a server tool, which this gateway does not run; only client tools (type custom) are served" },
        { """{"model":"test-model","max_tokens":5,"tool_choice":{"type":"any"},""" + Hi + "}", 400, "invalid_request_error", "tool_choice: may require a tool call only when tools are given" },
        { """{"model":"test-model","max_tokens":5,"tools":[{"name":"a","input_schema":{}}],"tool_choice":{"type":"tool","name":"b"},""" + Hi + "}", 400, "invalid_request_error", "tool_choice.name: 'b' is not one of the tools" },
        { """{"model":"test-model","max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":100},""" + Hi + "}", 400, "invalid_request_error", "thinking.budget_tokens: must be an integer of at least 1024" },
        { """{"model":"test-model","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":2000},""" + Hi + "}", 400, "invalid_request_error", "max_tokens: must be greater than thinking.budget_tokens" },
        { """{"model":"test-model","max_tokens":5,"stream":"yes",""" + Hi + "}", 400, "invalid_request_error", "stream: must be a boolean" },
        { """{"model":"nope","max_tokens":5,""" + Hi + "}", 404, "not_found_error", "model: nope" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadRequestsAreRefusedInAnthropicsShapeNamingTheField(string json, int status, string type, string message)
    {
        var model = new ScriptedModelProvider();
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.MessageAsync(json);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal($$$"""{"type":"error","error":{"type":"{{{type}}}","message":"{{{message}}}"}}""", response.Body);
        Assert.Empty(model.Requests);
    }

    [Fact]
    public async Task EveryBlockKindAndOptionReachesTheTurn()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.MessageAsync("""
            {"model":"test-model","max_tokens":9000,"temperature":0.5,"top_p":0.9,"top_k":40,"stop_sequences":["END",""],"metadata":{"user_id":"u-7"},
             "thinking":{"type":"enabled","budget_tokens":5000},"tool_choice":{"type":"auto","disable_parallel_tool_use":true},"anthropic_unknown":1,
             "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Be kind."}],
             "tools":[{"name":"read","description":"Reads a file.","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"notes"}}]},
               {"role":"assistant","content":[{"type":"thinking","thinking":"Hmm","signature":"c2ln"},{"type":"redacted_thinking","data":"cmVk"},
                 {"type":"text","text":"Reading."},{"type":"tool_use","id":"toolu_1","name":"read","input":{"path":"a"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"file text"},
                 {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"more"}],"is_error":true},{"type":"text","text":"Go on"}]},
               {"role":"assistant","content":"Sure"}]}
            """);

        Assert.Equal(200, response.StatusCode);
        var turn = Assert.Single(model.Requests);
        Assert.Equal("test-model", turn.Model);
        Assert.Equal(
            new TurnOptions
            {
                Temperature = 0.5, TopP = 0.9, TopK = 40, MaxTokens = 9000, Stop = turn.Options.Stop, ParallelToolCalls = false, User = "u-7",
                ThinkingBudget = 5000, ReasoningEffort = ReasoningEffort.Medium,
            },
            turn.Options);
        Assert.Equal(["END"], turn.Options.Stop);
        Assert.Equal(("read", "Reads a file."), (turn.Tools[0].Name, turn.Tools[0].Description));
        var messages = turn.Messages;
        Assert.Equal(
            [ChatRole.System, ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Tool, ChatRole.User, ChatRole.Assistant],
            messages.Select(m => m.Role));
        Assert.Equal(("Be brief.", "Be kind."), (messages[0].Text, messages[1].Text));
        Assert.Equal(
            [
                ContentPart.FromText("Look"), new ContentPart(ContentPartKind.Image, MediaType: "image/png", Data: "iVBO"),
                new ContentPart(ContentPartKind.Image, Url: "https://example.com/a.png"), new ContentPart(ContentPartKind.Document, MediaType: "text/plain", Data: "bm90ZXM="),
            ],
            messages[2].Content);
        Assert.Equal("Reading.", messages[3].Text);
        Assert.Equal(("toolu_1", "read", """{"path":"a"}"""), (messages[3].ToolCalls[0].Id, messages[3].ToolCalls[0].Name, messages[3].ToolCalls[0].Arguments.ToString()));
        Assert.Equal(
            [new ReasoningItem(ReasoningSource.AnthropicThinking, "Hmm", Signature: "c2ln"), new ReasoningItem(ReasoningSource.AnthropicRedacted, null, RedactedData: "cmVk")],
            messages[3].Reasoning);
        Assert.Equal(("toolu_1", "file text"), (messages[4].ToolCallId, messages[4].Text));
        Assert.Equal(("toolu_2", "more", true), (messages[5].ToolCallId, messages[5].Text, messages[5].IsError));
        Assert.False(messages[4].IsError);
        Assert.Equal("Go on", messages[6].Text);
        Assert.Equal("Sure", messages[7].Text);
    }

    [Fact]
    public async Task ClaudeCodesRequestShapeIsServed()
    {
        var model = new ScriptedModelProvider().ThenText("ok").ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);
        // As Claude Code 2.1.328 sends it: ?beta=true, a system message among the messages, adaptive thinking with an
        // effort, a deferred tool, and fields the gateway does not read (context_management).
        const string Request = """
            {"model":"test-model","max_tokens":32000,"stream":true,"thinking":{"type":"adaptive","display":"omitted"},"output_config":{"effort":"high"},
             "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
             "system":[{"type":"text","text":"You are a Claude agent.","cache_control":{"type":"ephemeral"}}],
             "tools":[{"name":"Read","description":"Reads.","input_schema":{"type":"object"}},{"name":"Later","description":"","input_schema":{"type":"object"},"defer_loading":true}],
             "messages":[{"role":"user","content":[{"type":"text","text":"Read secret.txt"}]},{"role":"system","content":[{"type":"text","text":"# Environment","cache_control":{"type":"ephemeral"}}]}]}
            """;

        await using var connection = await host.PostAsync("/v1/messages?beta=true", Request, "anthropic-beta: claude-code-20250219,interleaved-thinking-2025-05-14\r\n");
        var response = await connection.ReadWholeResponseAsync();
        var tight = await host.MessageAsync(Request.Replace("\"max_tokens\":32000", "\"max_tokens\":5000", StringComparison.Ordinal));

        Assert.Equal((200, 200), (response.StatusCode, tight.StatusCode));
        var turn = model.Requests.First();
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.System], turn.Messages.Select(m => m.Role));
        Assert.Equal("# Environment", turn.Messages[2].Text);
        Assert.Equal(["Read", "Later"], turn.Tools.Select(t => t.Name));
        // Adaptive thinking: the effort asked for, and its budget within max_tokens.
        Assert.Equal((ReasoningEffort.High, 16384), (turn.Options.ReasoningEffort, turn.Options.ThinkingBudget));
        Assert.Equal((ReasoningEffort.High, 4999), (model.Requests.Last().Options.ReasoningEffort, model.Requests.Last().Options.ThinkingBudget));
    }

    [Fact]
    public async Task WithoutAModelTheDefaultModelServes()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model, defaultModel: "test-model");

        var response = await host.MessageAsync("""{"max_tokens":5,""" + Hi + "}");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("test-model", Assert.Single(model.Requests).Model);
    }
}
