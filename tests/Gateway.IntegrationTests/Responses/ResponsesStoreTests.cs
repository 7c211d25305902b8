using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Endpoints.Responses;
using Gateway.Tools;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Responses.ResponsesTestKit;

namespace Gateway.IntegrationTests.Responses;

/// <summary><c>previous_response_id</c>: a kept response's input and output come before the next input, for its key, within its time.</summary>
public sealed class ResponsesStoreTests
{
    private const string Authorization = "Authorization: Bearer key-a\r\n";

    [Fact]
    public async Task APreviousResponsesInputAndOutputComeBeforeTheNextInputWithoutItsInstructions()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(new ToolCallRequest("call_1", "read", RawJson.Parse("""{"path":"a.txt"}""")))
            .ThenText("It says hello.")
            .ThenText("Bye.");
        await using var host = await ChatTestHost.StartAsync(model);

        var first = await host.RespondAsync("""{"model":"test-model","instructions":"Be brief.","input":"Read a.txt"}""");
        var second = await host.RespondAsync($$"""
            {"model":"test-model","previous_response_id":"{{ResponseId(first.Body)}}","input":[{"type":"function_call_output","call_id":"call_1","output":"hello"}]}
            """);
        var third = await host.RespondAsync($$"""{"model":"test-model","instructions":"Be kind.","previous_response_id":"{{ResponseId(second.Body)}}","input":"Thanks"}""");

        Assert.Equal((200, 200, 200), (first.StatusCode, second.StatusCode, third.StatusCode));
        Assert.Contains($"\"previous_response_id\":\"{ResponseId(second.Body)}\"", third.Body, StringComparison.Ordinal);
        var turns = model.Requests.ToArray();
        Assert.Equal(
            ["System: Be kind.", "User: Read a.txt", "Assistant:  calls call_1", "Tool call_1: hello", "Assistant: It says hello.", "User: Thanks"],
            turns[2].Messages.Select(Describe));
    }

    [Fact]
    public async Task AnUnknownNotStoredOrOtherKeysResponseIsA404()
    {
        var model = new ScriptedModelProvider().ThenText("one").ThenText("two");
        await using var host = await ChatTestHost.StartAsync(model, apiKeys: ["key-a", "key-b"]);
        var kept = await host.RespondAsync("""{"model":"test-model","input":"Hi"}""", Authorization);
        var notKept = await host.RespondAsync("""{"model":"test-model","store":false,"input":"Hi"}""", Authorization);

        foreach (var (id, key) in new[] { ("resp_unknown", Authorization), (ResponseId(notKept.Body), Authorization), (ResponseId(kept.Body), "Authorization: Bearer key-b\r\n") })
        {
            var response = await host.RespondAsync($$"""{"model":"test-model","previous_response_id":"{{id}}","input":"Again"}""", key);

            Assert.Equal(404, response.StatusCode);
            Assert.Equal(
                $$"""{"error":{"message":"Previous response with id '{{id}}' not found.","type":"invalid_request_error","param":"previous_response_id","code":"previous_response_not_found""" + "\"}}",
                response.Body);
        }
        Assert.Contains("\"store\":false", notKept.Body, StringComparison.Ordinal);
        Assert.Equal(2, model.Requests.Count);
    }

    [Fact]
    public async Task AResponseIsGoneOnceItsTimeToLiveHasPassed()
    {
        var clock = new FakeTimeProvider();
        var model = new ScriptedModelProvider().ThenText("one").ThenText("two");
        await using var host = await ChatTestHost.StartAsync(model, clock: clock, responses: new ResponseStoreOptions { TimeToLive = TimeSpan.FromMinutes(10) });
        var id = ResponseId((await host.RespondAsync("""{"model":"test-model","input":"Hi"}""")).Body);
        var again = $$"""{"model":"test-model","previous_response_id":"{{id}}","input":"Again"}""";

        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var within = await host.RespondAsync(again);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await host.RespondAsync(again);

        Assert.Equal((200, 404), (within.StatusCode, after.StatusCode));
    }

    [Fact]
    public async Task PastItsCapacityTheOldestResponseIsDroppedFirst()
    {
        var model = new ScriptedModelProvider().ThenText("one").ThenText("two").ThenText("three").ThenText("four");
        await using var host = await ChatTestHost.StartAsync(model, responses: new ResponseStoreOptions { Capacity = 2 });
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(ResponseId((await host.RespondAsync("""{"model":"test-model","input":"Hi"}""")).Body));
        }

        var oldest = await host.RespondAsync($$"""{"model":"test-model","previous_response_id":"{{ids[0]}}","input":"Again"}""");
        var newest = await host.RespondAsync($$"""{"model":"test-model","previous_response_id":"{{ids[2]}}","input":"Again"}""");

        Assert.Equal((404, 200), (oldest.StatusCode, newest.StatusCode));
    }

    [Fact]
    public async Task AStreamedResponseIsKeptBeforeItsCompletionIsSent()
    {
        var model = new ScriptedModelProvider().ThenText("one").ThenText("two");
        await using var host = await ChatTestHost.StartAsync(model);

        var (_, body) = await host.StreamResponseAsync("""{"model":"test-model","stream":true,"input":"Hi"}""");
        var next = await host.RespondAsync($$"""{"model":"test-model","previous_response_id":"{{ResponseId(body)}}","input":"Again"}""");

        Assert.Equal(200, next.StatusCode);
        Assert.Equal(["User: Hi", "Assistant: one", "User: Again"], model.Requests.ToArray()[1].Messages.Select(Describe));
        using var document = JsonDocument.Parse(next.Body);
        Assert.Equal("two", document.RootElement.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static string Describe(ChatMessage message) => message.Role switch
    {
        ChatRole.Tool => $"Tool {message.ToolCallId}: {message.Text}",
        ChatRole.Assistant => $"Assistant: {message.Text}" + string.Concat(message.ToolCalls.Select(call => $" calls {call.Id}")),
        _ => $"{message.Role}: {message.Text}",
    };
}
