using System.Text.Json;
using Gateway.MockUpstream;

namespace Gateway.Perf.Tests;

/// <summary>The mock's text turn in Anthropic's Messages API and OpenAI's Responses API (perf/LAB.md), which Portkey relays in scenario 6.</summary>
public sealed class MockOtherApisTests
{
    private const string Prompt = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";

    [Fact]
    public async Task MessagesStreamsAnthropicsEventsAndAnswersOneMessage()
    {
        await using var server = MockServer.Start(new MockOptions { Port = 0, Chunks = 3, Text = "hi " });

        var (stream, _, _) = await WireClient.ExchangeAsync(server.EndPoint,
            WireClient.PostRequest("/v1/messages", $$"""{"model":"mock","max_tokens":8,"stream":true,{{Prompt}}}"""), "0\r\n\r\n");
        var (whole, _, _) = await WireClient.ExchangeAsync(server.EndPoint,
            WireClient.PostRequest("/v1/messages", $$"""{"model":"mock","max_tokens":8,{{Prompt}}}"""), "}}");

        Assert.Contains("Content-Type: text/event-stream\r\n", stream, StringComparison.Ordinal);
        var events = WireClient.NamedEvents(stream);
        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop"], events.Select(e => e.Name));
        foreach (var (name, data) in events)
        {
            using var payload = JsonDocument.Parse(data);
            Assert.Equal(name, payload.RootElement.GetProperty("type").GetString());
        }
        Assert.Equal("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi "}}""", events[3].Data);
        Assert.Contains("\"usage\":{\"output_tokens\":3}", events[^2].Data, StringComparison.Ordinal);
        var message = JsonDocument.Parse(whole[(whole.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).RootElement;
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("hi hi hi ", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(3, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task ResponsesStreamsNumberedEventsAndAnswersOneResponse()
    {
        await using var server = MockServer.Start(new MockOptions { Port = 0, Chunks = 2, Text = "hi " });

        var (stream, _, _) = await WireClient.ExchangeAsync(server.EndPoint,
            WireClient.PostRequest("/v1/responses", """{"model":"mock","stream":true,"input":"x"}"""), "0\r\n\r\n");
        var (whole, _, _) = await WireClient.ExchangeAsync(server.EndPoint,
            WireClient.PostRequest("/v1/responses", """{"model":"mock","input":"x"}"""), "}}");

        var events = WireClient.NamedEvents(stream);
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.delta", "response.output_text.done", "response.content_part.done",
            "response.output_item.done", "response.completed"], events.Select(e => e.Name));
        for (var i = 0; i < events.Count; i++)
        {
            using var payload = JsonDocument.Parse(events[i].Data);
            Assert.Equal(events[i].Name, payload.RootElement.GetProperty("type").GetString());
            Assert.Equal(i, payload.RootElement.GetProperty("sequence_number").GetInt32());
        }
        Assert.Contains("\"delta\":\"hi \"", events[4].Data, StringComparison.Ordinal);
        using var completed = JsonDocument.Parse(events[^1].Data);
        var response = completed.RootElement.GetProperty("response");
        Assert.Equal("hi hi ", response.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(2, response.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var answer = JsonDocument.Parse(whole[(whole.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).RootElement;
        Assert.Equal("response", answer.GetProperty("object").GetString());
        Assert.Equal("completed", answer.GetProperty("status").GetString());
        Assert.Equal("hi hi ", answer.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }
}
