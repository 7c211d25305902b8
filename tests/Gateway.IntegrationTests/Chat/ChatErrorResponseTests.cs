using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>Every refusal of POST /chat (SPEC §3) and POST /chat/relay/:relayId (SPEC §4) before any stream starts.</summary>
public sealed class ChatErrorResponseTests
{
    public static TheoryData<string, int, string> ChatRefusals => new()
    {
        { "not json", 400, "Invalid JSON body" },
        { "", 400, "Invalid JSON body" },
        { """{"model":"test-model","messages":[]""", 400, "Invalid JSON body" },
        { """[{"model":"test-model","messages":[]}]""", 400, "Invalid JSON body" },
        { "\"a string\"", 400, "Invalid JSON body" },
        { """{"messages":[{"role":"user","content":"hi"}]}""", 400, "model and messages are required" },
        { """{"model":"","messages":[{"role":"user","content":"hi"}]}""", 400, "model and messages are required" },
        { """{"model":"test-model"}""", 400, "model and messages are required" },
        { """{"model":7,"messages":[{"role":"user","content":"hi"}]}""", 400, "model must be a string" },
        { """{"model":["test-model"],"messages":[{"role":"user","content":"hi"}]}""", 400, "model must be a string" },
        { """{"model":{},"messages":[{"role":"user","content":"hi"}]}""", 400, "model must be a string" },
        { """{"model":"nope"}""", 400, "model and messages are required" },
        { """{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", 404, "Model not found: nope" },
        // Escaped as the old API's JSON.stringify did (SPEC §1, architecture.md): only what JSON requires, the rest UTF-8.
        { """{"model":"it's <é>\t😀","messages":[{"role":"user","content":"hi"}]}""", 404, """Model not found: it's <é>\t😀""" },
        { """{"model":"test-model","messages":[{"role":"user","content":"hi"},{"role":"robot","content":"x"}]}""", 400, "messages[1].role must be one of system, user, assistant, tool" },
        { """{"model":"test-model","messages":[{"content":"hi"}]}""", 400, "messages[0].role must be one of system, user, assistant, tool" },
        { """{"model":"test-model","messages":[{"role":"user"}]}""", 400, "messages[0].content must be a string or an array of content parts" },
        { """{"model":"test-model","messages":[{"role":"tool","content":"x"}]}""", 400, "messages[0].tool_call_id must be a string" },
        { """{"model":"test-model","messages":[{"role":"user","content":[{"type":"text"}]}]}""", 400, "messages[0].content[0].text must be a string" },
        { """{"model":"test-model","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1"}]}]}""", 400, "messages[0].tool_calls[0].name must be a string" },
        { """{"model":"test-model","messages":["hi"]}""", 400, "messages[0] must be an object" },
    };

    public static TheoryData<string, int, string> RelayRefusals => new()
    {
        { "not json", 400, "Invalid JSON body" },
        { """[{"sessionId":"s","response":{"approved":true}}]""", 400, "Invalid JSON body" },
        { """{"response":{"approved":true}}""", 400, "sessionId and response are required" },
        { """{"sessionId":"","response":{"approved":true}}""", 400, "sessionId and response are required" },
        { """{"sessionId":"01980000-0000-7000-8000-000000000000"}""", 400, "sessionId and response are required" },
        { """{"sessionId":"01980000-0000-7000-8000-000000000000","response":{"approved":true}}""", 404, "Session not found" },
        // SPEC §4 looks for the session before it reads the answer.
        { """{"sessionId":"nope","response":{}}""", 404, "Session not found" },
        { """{"sessionId":"nope","response":"yes"}""", 404, "Session not found" },
    };

    [Theory]
    [MemberData(nameof(ChatRefusals))]
    public async Task ChatRefusesBeforeStreaming(string body, int status, string error)
    {
        await using var host = await ChatTestHost.StartAsync();
        var response = await host.PostForResponseAsync("/chat", body);

        Assert.Equal((status, "application/json"), (response.StatusCode, response.Header("Content-Type")));
        Assert.Equal($$"""{"error":"{{error}}"}""", response.Body);
        Assert.Empty(host.Model.Requests);
        Assert.Equal(0, host.Host.Orchestrators.Rented);
    }

    [Fact]
    public async Task AModelThatIsNotAStringIsRefusedEvenWithADefaultModel()
    {
        await using var host = await ChatTestHost.StartAsync(defaultModel: "test-model");
        var response = await host.PostForResponseAsync("/chat", """{"model":false,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal((400, """{"error":"model must be a string"}"""), (response.StatusCode, response.Body));
        Assert.Empty(host.Model.Requests);
    }

    [Theory]
    [MemberData(nameof(RelayRefusals))]
    public async Task RelayRefusesBadAnswers(string body, int status, string error)
    {
        await using var host = await ChatTestHost.StartAsync();
        var response = await host.PostForResponseAsync("/chat/relay/01980000-0000-7000-8000-000000000001", body);

        Assert.Equal((status, "application/json"), (response.StatusCode, response.Header("Content-Type")));
        Assert.Equal($$"""{"error":"{{error}}"}""", response.Body);
    }

    [Fact]
    public async Task RelayChecksRunInSpecOrderAgainstALiveSession()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "echo", """{"text":"x"}""")).ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"go"}]}""");
        await using var _ = connection;
        var head = await stream.ReadUntilAsync("relay");
        var sessionId = head[0].Field("sessionId")!;
        var relayId = head[3].Field("id")!;

        // 1. not JSON, 2. no response: 400 even for the live session and its pending relay.
        var notJson = await host.PostForResponseAsync($"/chat/relay/{relayId}", $$"""{"sessionId":"{{sessionId}}",""");
        Assert.Equal((400, "application/json", """{"error":"Invalid JSON body"}"""), (notJson.StatusCode, notJson.Header("Content-Type"), notJson.Body));
        var noResponse = await host.PostForResponseAsync($"/chat/relay/{relayId}", $$"""{"sessionId":"{{sessionId}}"}""");
        Assert.Equal((400, """{"error":"sessionId and response are required"}"""), (noResponse.StatusCode, noResponse.Body));

        // 3. a session that is not live, 4. a relay the live session does not have.
        var unknownSession = await host.PostForResponseAsync($"/chat/relay/{relayId}", """{"sessionId":"01980000-0000-7000-8000-000000000000","response":{"approved":true}}""");
        Assert.Equal((404, """{"error":"Session not found"}"""), (unknownSession.StatusCode, unknownSession.Body));
        var unknownRelay = await host.PostForResponseAsync("/chat/relay/01980000-0000-7000-8000-000000000001", $$$"""{"sessionId":"{{{sessionId}}}","response":{"approved":true}}""");
        Assert.Equal((404, "application/json", """{"error":"Relay not found"}"""), (unknownRelay.StatusCode, unknownRelay.Header("Content-Type"), unknownRelay.Body));
        var unknownRelayBadAnswer = await host.PostForResponseAsync("/chat/relay/01980000-0000-7000-8000-000000000001", $$$"""{"sessionId":"{{{sessionId}}}","response":{}}""");
        Assert.Equal((404, """{"error":"Relay not found"}"""), (unknownRelayBadAnswer.StatusCode, unknownRelayBadAnswer.Body));

        // 5. the session and its relay are found: only now is the answer itself read.
        var noApproval = await host.PostForResponseAsync($"/chat/relay/{relayId}", $$$"""{"sessionId":"{{{sessionId}}}","response":{}}""");
        Assert.Equal((400, """{"error":"response.approved must be a boolean"}"""), (noApproval.StatusCode, noApproval.Body));

        // None of that touched the pending relay.
        await host.AnswerAsync(relayId, sessionId, """{"approved":true}""");
        Assert.Equal(["tool_call", "tool_result", "text", "usage", "harness_end"], (await stream.ReadAllEventsAsync()).Select(e => e.Name));
    }
}
