using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary>What an OpenAI request becomes (the turn the provider gets), and every refusal, in OpenAI's error shape.</summary>
public sealed class CompletionRequestTests
{
    public static TheoryData<string, int, string, string?> Refusals => new()
    {
        { "not json", 400, "The request body is not a valid JSON object", null },
        { "[1]", 400, "The request body is not a valid JSON object", null },
        { """{"messages":[{"role":"user","content":"Hi"}]}""", 400, "you must provide a model parameter", "model" },
        { """{"model":7,"messages":[]}""", 400, "model must be a non-empty string", "model" },
        { """{"model":"test-model"}""", 400, "messages is required", "messages" },
        { """{"model":"test-model","messages":[]}""", 400, "messages must be a non-empty array", "messages" },
        { """{"model":"test-model","messages":[{"role":"bot","content":"Hi"}]}""", 400, "messages[0].role must be one of system, developer, user, assistant, tool", "messages[0].role" },
        { """{"model":"test-model","messages":[{"role":"user","content":7}]}""", 400, "messages[0].content must be a string or an array of content parts", "messages[0].content" },
        { """{"model":"test-model","messages":[{"role":"user","content":[{"type":"input_audio"}]}]}""", 400, "messages[0].content[0].type must be one of text, image_url, file", "messages[0].content[0].type" },
        { """{"model":"test-model","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://example.com/a.png"}}]}]}""", 400, "messages[0].content[0].image_url.url must be an http(s) URL or a base64 data URL (data:<media type>;base64,<data>)", "messages[0].content[0].image_url.url" },
        { """{"model":"test-model","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"medium"}}]}]}""", 400, "messages[0].content[0].image_url.detail must be one of auto, low, high", "messages[0].content[0].image_url.detail" },
        { """{"model":"test-model","messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"JVBERi0x"}}]}]}""", 400, "messages[0].content[0].file.file_data must be a base64 data URL (data:<media type>;base64,<data>)", "messages[0].content[0].file.file_data" },
        { """{"model":"test-model","messages":[{"role":"tool","content":"x"}]}""", 400, "messages[0].tool_call_id must be a string", "messages[0].tool_call_id" },
        { """{"model":"test-model","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function"}]}]}""", 400, "messages[0].tool_calls[0].function must be an object", "messages[0].tool_calls[0].function" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"temperature":2.5}""", 400, "temperature must be a number from 0 to 2", "temperature" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"top_p":"high"}""", 400, "top_p must be a number from 0 to 1", "top_p" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"max_tokens":0}""", 400, "max_tokens must be a positive integer", "max_tokens" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stop":["a","b","c","d","e"]}""", 400, "stop must be a string or an array of at most 4 strings", "stop" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"n":2}""", 400, "n must be 1: this gateway returns one choice per request", "n" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"stream":"yes"}""", 400, "stream must be a boolean", "stream" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":3}""", 400, "reasoning_effort must be a string", "reasoning_effort" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"logprobs":true}""", 400, "logprobs are only available from models of OpenAI-compatible providers, not 'test-model'", "logprobs" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"retrieval"}]}""", 400, "tools[0].type must be \"function\"", "tools[0].type" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"tool_choice":"required"}""", 400, "tool_choice is only allowed when tools are specified", "tool_choice" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}""", 400, "tool_choice names function 'b', which is not in tools", "tool_choice" },
        { """{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"tool_choice":"sometimes"}""", 400, "tool_choice must be \"none\", \"auto\", \"required\" or {\"type\":\"function\",\"function\":{\"name\"}}", "tool_choice" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadRequestsAreRefusedNamingTheField(string json, int status, string message, string? param)
    {
        var model = new ScriptedModelProvider();
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.CompleteAsync(json);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        using var error = System.Text.Json.JsonDocument.Parse(response.Body);
        var body = error.RootElement.GetProperty("error");
        Assert.Equal(message, body.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", body.GetProperty("type").GetString());
        Assert.Equal(param, body.GetProperty("param").GetString());
        Assert.Empty(model.Requests);
    }

    [Fact]
    public async Task AnUnknownModelIs404ModelNotFound()
    {
        await using var host = await ChatTestHost.StartAsync();

        var response = await host.CompleteAsync("""{"model":"gpt-9","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(
            (404, """{"error":{"message":"The model 'gpt-9' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}"""),
            (response.StatusCode, response.Body));
    }

    [Fact]
    public async Task WithoutAModelTheDefaultModelServes()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model, defaultModel: "test-model");

        var response = await host.CompleteAsync("""{"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task MessagesToolsAndOptionsReachTheProviderAsOneTurn()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.CompleteAsync("""
            {"model":"test-model","temperature":0.5,"top_p":0.9,"max_completion_tokens":7,"stop":"END","user":"u-1",
             "parallel_tool_calls":false,"tool_choice":{"type":"function","function":{"name":"read"}},"response_format":{"type":"text"},
             "tools":[{"type":"function","function":{"name":"read","description":"Reads a file.","parameters":{"type":"object","properties":{"path":{"type":"string"}}}}},
                      {"type":"function","function":{"name":"now"}}],
             "messages":[
               {"role":"developer","content":"Be brief."},
               {"role":"user","content":[{"type":"text","text":"Look:"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"read","arguments":"{\"path\":\"a.txt\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"hello"}]},
               {"role":"user","content":"And?","name":"ann"}]}
            """);

        Assert.Equal(200, response.StatusCode);
        var turn = Assert.Single(model.Requests);
        Assert.Equal("test-model", turn.Model);
        Assert.Equal(
            new TurnOptions
            {
                Temperature = 0.5, TopP = 0.9, MaxTokens = 7, MaxTokensNamedMaxCompletionTokens = true, Stop = turn.Options.Stop,
                ToolChoice = ToolChoice.Named("read"), ParallelToolCalls = false, User = "u-1", OpenAiFields = turn.Options.OpenAiFields,
            },
            turn.Options);
        Assert.Equal(["END"], turn.Options.Stop);
        Assert.Equal([("response_format", """{"type":"text"}""")], turn.Options.OpenAiFields.Select(f => (f.Key, f.Value.ToString())));
        Assert.Equal(
            [
                (ChatRole.System, "Be brief.", 0, (string?)null),
                (ChatRole.User, "Look:", 0, null),
                (ChatRole.Assistant, "", 1, null),
                (ChatRole.Tool, "hello", 0, "call_1"),
                (ChatRole.User, "And?", 0, null),
            ],
            turn.Messages.Select(m => (m.Role, m.Text, m.ToolCalls.Count, m.ToolCallId)));
        Assert.Equal(
            [new ContentPart(ContentPartKind.Image, MediaType: "image/png", Data: "iVBORw0KGgo=", Detail: "low"), new ContentPart(ContentPartKind.Image, Url: "https://example.com/cat.png")],
            turn.Messages[1].Content.Skip(1));
        var call = Assert.Single(turn.Messages[2].ToolCalls);
        Assert.Equal(("call_1", "read", """{"path":"a.txt"}"""), (call.Id, call.Name, call.Arguments.ToString()));
        Assert.Equal(
            [
                ("read", "Reads a file.", """{"type":"object","properties":{"path":{"type":"string"}}}"""),
                ("now", "", """{"type":"object","properties":{}}"""),
            ],
            turn.Tools.Select(t => (t.Name, t.Description, t.ParametersSchema.ToString())));
    }

    [Fact]
    public async Task MaxTokensKeepsItsNameAndUnsetOptionsStayUnset()
    {
        var model = new ScriptedModelProvider().ThenText("ok").ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);

        await host.CompleteAsync("""{"model":"test-model","max_tokens":12,"stop":["a",""],"messages":[{"role":"user","content":"Hi"}]}""");
        await host.CompleteAsync("""{"model":"test-model","messages":[{"role":"user","content":"Hi"}]}""");

        var turns = model.Requests.ToArray();
        Assert.Equal((12, false, "a"), (turns[0].Options.MaxTokens, turns[0].Options.MaxTokensNamedMaxCompletionTokens, Assert.Single(turns[0].Options.Stop)));
        Assert.Equal(new TurnOptions { Stop = turns[1].Options.Stop, OpenAiFields = turns[1].Options.OpenAiFields }, turns[1].Options);
        Assert.Empty(turns[1].Options.Stop);
        Assert.Empty(turns[1].Options.OpenAiFields);
    }

    [Fact]
    public async Task ReasoningEffortIsReadForEveryProviderAndStillForwardedVerbatim()
    {
        var model = new ScriptedModelProvider().ThenText("ok").ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);

        await host.CompleteAsync("""{"model":"test-model","reasoning_effort":"high","messages":[{"role":"user","content":"Hi"}]}""");
        await host.CompleteAsync("""{"model":"test-model","reasoning_effort":"minimal","messages":[{"role":"user","content":"Hi"}]}""");

        var turns = model.Requests.ToArray();
        Assert.Equal(
            [(ReasoningEffort.High, """[reasoning_effort, "high"]"""), (null, """[reasoning_effort, "minimal"]""")],
            turns.Select(t => (t.Options.ReasoningEffort, Assert.Single(t.Options.OpenAiFields).ToString())));
    }
}
