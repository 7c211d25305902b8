using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Responses;

/// <summary>What a <c>POST /v1/responses</c> asks of the model (the turn the provider gets), and the requests refused in OpenAI's error shape.</summary>
public sealed class ResponsesRequestTests
{
    [Fact]
    public async Task InputItemsBecomeTheConversationWithOneAssistantMessagePerModelTurn()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);

        var response = await host.RespondAsync("""
            {"model":"test-model","instructions":"Be brief.","prompt_cache_key":"thread-1","max_output_tokens":50,"temperature":0.5,"top_p":0.9,"parallel_tool_calls":false,
             "reasoning":{"effort":"low","summary":"auto"},"tool_choice":{"type":"function","name":"read"},
             "tools":[{"type":"function","name":"read","description":"Reads a file.","parameters":{"type":"object","properties":{"path":{"type":"string"}}},"strict":true},{"type":"web_search"}],
             "input":[
              {"role":"developer","content":"Answer in English."},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"Read a.txt"},{"type":"input_image","image_url":"https://example.com/a.png","detail":"low"}]},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Need the file."}],"encrypted_content":"gAAA"},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Reading.","annotations":[]}]},
              {"type":"function_call","id":"fc_1","call_id":"call_1","name":"read","arguments":"{\"path\":\"a.txt\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"hello"},
              {"type":"reasoning","id":"rs_2","summary":[]},
              {"role":"assistant","content":"It says hello."},
              {"role":"user","content":"Thanks"}]}
            """);

        Assert.Equal(200, response.StatusCode);
        var turn = Assert.Single(model.Requests);
        Assert.Equal(
            [
                "System: Be brief.", "System: Answer in English.", "User: Read a.txt + Image https://example.com/a.png low",
                "Assistant: Reading. calls call_1 read {\"path\":\"a.txt\"} reasoning OpenAiResponses Need the file. gAAA",
                "Tool call_1: hello", "Assistant: It says hello.", "User: Thanks",
            ],
            turn.Messages.Select(Describe));
        // A hosted tool is not offered: the gateway runs none.
        var tool = Assert.Single(turn.Tools);
        Assert.Equal(("read", "Reads a file.", """{"type":"object","properties":{"path":{"type":"string"}}}"""),
            (tool.Name, tool.Description, tool.ParametersSchema.ToString()));
        var options = turn.Options;
        Assert.Equal((0.5, 0.9, 50, false, ReasoningEffort.Low, new ToolChoice(ToolChoiceMode.Function, "read")),
            (options.Temperature, options.TopP, options.MaxTokens, options.ParallelToolCalls, options.ReasoningEffort, options.ToolChoice));
        Assert.Equal(["reasoning_effort=\"low\""], options.OpenAiFields.Select(field => $"{field.Key}={field.Value}"));
        Assert.Equal("thread-1", turn.SessionId);
        // The settings come back as the caller sent them.
        Assert.Contains(
            """
            "instructions":"Be brief.","max_output_tokens":50,"model":"test-model","output":[
            """,
            response.Body, StringComparison.Ordinal);
        Assert.Contains(
            """
            "parallel_tool_calls":false,"previous_response_id":null,"reasoning":{"effort":"low","summary":"auto"},"store":true,"temperature":0.5,"text":{"format":{"type":"text"}},"tool_choice":{"type":"function","name":"read"},"tools":[{"type":"function","name":"read","description":"Reads a file.","parameters":{"type":"object","properties":{"path":{"type":"string"}}},"strict":true},{"type":"web_search"}],"top_p":0.9,
            """,
            response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"test-model"}""", "input is required", "input")]
    [InlineData("""{"model":"test-model","input":7}""", "input must be a string or an array of items", "input")]
    [InlineData("""{"model":"test-model","input":[{"type":"web_search_call","id":"ws_1"}]}""", "input[0].type must be one of message, function_call, function_call_output, reasoning", "input[0].type")]
    [InlineData("""{"model":"test-model","input":[{"type":"reasoning","summary":[7],"encrypted_content":"x"}]}""", "input[0].summary[0] must be an object", "input[0].summary[0]")]
    [InlineData("""{"model":"test-model","input":"Hi","metadata":[1]}""", "metadata must be an object", "metadata")]
    [InlineData("""{"model":"test-model","input":[{"role":"tool","content":"x"}]}""", "input[0].role must be one of user, assistant, system, developer", "input[0].role")]
    [InlineData("""{"model":"test-model","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""", "input[0].content[0].image_url must be a data URL or an http(s) URL (file_id is not supported)", "input[0].content[0].image_url")]
    [InlineData("""{"model":"test-model","input":[{"type":"function_call","name":"read","arguments":"{}"}]}""", "input[0].call_id must be a string", "input[0].call_id")]
    [InlineData("""{"model":"test-model","input":"Hi","tools":[{"name":"read"}]}""", "tools[0].type must be a string", "tools[0].type")]
    [InlineData("""{"model":"test-model","input":"Hi","tool_choice":"required"}""", "tool_choice is only allowed when tools are specified", "tool_choice")]
    [InlineData("""{"model":"test-model","input":"Hi","reasoning":{"effort":"max"}}""", "reasoning.effort must be one of none, minimal, low, medium, high, xhigh", "reasoning.effort")]
    [InlineData("""{"model":"test-model","input":"Hi","text":{"format":{"type":"json_schema","name":"a","schema":{}}}}""", "text.format is only supported for models of OpenAI's APIs and local models, not 'test-model'", "text.format")]
    [InlineData("""{"model":"test-model","input":"Hi","text":{"format":{"type":"xml"}}}""", "text.format.type must be \"text\", \"json_object\" or \"json_schema\"", "text.format.type")]
    [InlineData("""{"model":"test-model","input":"Hi","background":true}""", "background responses are not supported: the gateway answers while the request is open", "background")]
    [InlineData("""{"model":"test-model","input":"Hi","max_output_tokens":0}""", "max_output_tokens must be a positive integer", "max_output_tokens")]
    public async Task MalformedRequestsAreRefusedNamingTheField(string body, string message, string param)
    {
        await using var host = await ChatTestHost.StartAsync();

        var response = await host.RespondAsync(body);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal($$"""{"error":{"message":"{{message.Replace("\"", "\\\"", StringComparison.Ordinal)}}","type":"invalid_request_error","param":"{{param}}","code":null""" + "}}", response.Body);
    }

    [Fact]
    public async Task AnUnknownModelIsA404InOpenAisShape()
    {
        await using var host = await ChatTestHost.StartAsync();

        var response = await host.RespondAsync("""{"model":"nope","input":"Hi"}""");

        Assert.Equal((404, """{"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}"""),
            (response.StatusCode, response.Body));
    }

    [Fact]
    public async Task AModelThatReadsTextOnlyRefusesAnImage()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider { ReadsBinaryContent = false });

        var response = await host.RespondAsync("""{"model":"test-model","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="}]}]}""");

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("The model 'test-model' reads text only: the input holds an image or a binary file", response.Body, StringComparison.Ordinal);
    }

    private static string Describe(ChatMessage message)
    {
        var parts = string.Join(" + ", message.Content.Select(part => part.Kind == ContentPartKind.Text ? part.Text : $"{part.Kind} {part.Url} {part.Detail}"));
        return message.Role switch
        {
            ChatRole.Tool => $"Tool {message.ToolCallId}: {parts}",
            ChatRole.Assistant => $"Assistant: {parts}"
                + string.Concat(message.ToolCalls.Select(call => $" calls {call.Id} {call.Name} {call.Arguments}"))
                + string.Concat(message.Reasoning.Select(item => $" reasoning {item.Source} {item.Text} {item.EncryptedContent}")),
            _ => $"{message.Role}: {parts}",
        };
    }
}
