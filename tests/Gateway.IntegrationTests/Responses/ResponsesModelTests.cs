using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;
using static Gateway.IntegrationTests.Mock.MockModels;
using static Gateway.IntegrationTests.Responses.ResponsesTestKit;

namespace Gateway.IntegrationTests.Responses;

/// <summary>The Responses door on the gateway's own models: the mock's <c>/tool</c> round trip, and the in-process successor model.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class ResponsesModelTests
{
    [Fact]
    public async Task AMockToolCallGoesRoundTripThroughAFunctionCallOutput()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(tokens: 2)]);

        var call = await host.RespondAsync("""{"model":"mock-1","input":"/tool read {\"path\":\"a.txt\"}"}""");
        using var called = JsonDocument.Parse(call.Body);
        var item = Assert.Single(called.RootElement.GetProperty("output").EnumerateArray());
        var callId = item.GetProperty("call_id").GetString();
        var answer = await host.RespondAsync($$"""
            {"model":"mock-1","previous_response_id":"{{ResponseId(call.Body)}}","input":[{"type":"function_call_output","call_id":"{{callId}}","output":"file contents"}]}
            """);

        Assert.Equal(("function_call", "read", """{"path":"a.txt"}"""),
            (item.GetProperty("type").GetString(), item.GetProperty("name").GetString(), item.GetProperty("arguments").GetString()));
        Assert.Matches("^call_mock_[0-9a-f]{16}$", callId);
        using var answered = JsonDocument.Parse(answer.Body);
        var message = Assert.Single(answered.RootElement.GetProperty("output").EnumerateArray());
        Assert.Equal(2, message.GetProperty("content")[0].GetProperty("text").GetString()!.Split(' ').Length);
        Assert.Equal("completed", answered.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheSuccessorModelStreamsItsAlphabetAndIsCutByMaxOutputTokens()
    {
        await using var local = LocalModelFiles.Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var (_, body) = await host.StreamResponseAsync("""{"model":"successor-tiny","stream":true,"max_output_tokens":3,"input":"Hi"}""");

        // <s>, "▁", then one token per character of the ChatML prompt.
        var promptTokens = 2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length;
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block => JsonDocument.Parse(block.Split('\n')[1]["data: ".Length..]).RootElement).ToList();
        Assert.Equal("ABC", string.Concat(events.Where(e => e.GetProperty("type").GetString() == "response.output_text.delta").Select(e => e.GetProperty("delta").GetString())));
        var last = events[^1];
        Assert.Equal("response.incomplete", last.GetProperty("type").GetString());
        Assert.Equal(
            """{"reason":"max_output_tokens"}""" + Usage(promptTokens, 3),
            last.GetProperty("response").GetProperty("incomplete_details").GetRawText() + last.GetProperty("response").GetProperty("usage").GetRawText());
    }

    [Fact]
    public async Task TextFormatHoldsTheSuccessorModelToTheSchema()
    {
        await using var local = LocalModelFiles.Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.RespondAsync("""
            {"model":"successor-tiny","input":"Hi","text":{"format":{"type":"json_schema","name":"weather","strict":true,
             "schema":{"type":"object","properties":{"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["unit"],"additionalProperties":false}}}}
            """);

        // Alone it would answer "ABC…" (above); the grammar from text.format makes the same document /v1's response_format gets.
        Assert.Equal(200, response.StatusCode);
        using var answer = JsonDocument.Parse(response.Body);
        Assert.Equal("completed", answer.RootElement.GetProperty("status").GetString());
        Assert.Equal("{\"unit\": \"fahrenheit\" } ", answer.RootElement.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }
}
