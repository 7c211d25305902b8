using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Mock.MockModels;
using static Gateway.IntegrationTests.OpenAi.OpenAiTestKit;

namespace Gateway.IntegrationTests.Mock;

/// <summary>POST /v1/chat/completions on a mock model, whole and streamed (the stream read by curl), text and /tool.</summary>
public sealed class MockCompletionTests
{
    [Fact]
    public async Task WholeAndStreamedAnswersCarryTheSameTextStopAndCountedUsage()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(tokens: 6)]);

        var whole = await host.CompleteAsync(Ask("Hello there, mock."));
        var streamed = await CurlAsync(host, Ask("Hello there, mock.", ""","stream":true,"stream_options":{"include_usage":true}"""));

        Assert.Equal((200, "application/json"), (whole.StatusCode, whole.Header("Content-Type")));
        var completion = JsonDocument.Parse(whole.Body).RootElement;
        var choice = completion.GetProperty("choices")[0];
        var text = choice.GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(6, text.Split(' ').Length);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("""{"prompt_tokens":3,"completion_tokens":6,"total_tokens":9}""", completion.GetProperty("usage").GetRawText());

        var lines = streamed.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement).ToList();
        // The role, six pieces, the finish, the usage.
        Assert.Equal(9, chunks.Count);
        Assert.Equal(text, string.Concat(chunks.SkipLast(2).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString())));
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(completion.GetProperty("usage").GetRawText(), chunks[^1].GetProperty("usage").GetRawText());
    }

    [Fact]
    public async Task ToolCommandAnswersOneToolCallThenTextOnceItsResultIsIn()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(tokens: 2)]);
        const string Command = """/tool read {"path":"a.txt"}""";

        var call = await host.CompleteAsync(Ask(Command));
        var again = await host.CompleteAsync(Ask(Command));

        var choice = JsonDocument.Parse(call.Body).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var toolCall = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        var id = toolCall.GetProperty("id").GetString()!;
        Assert.Matches("^call_mock_[0-9a-f]{16}$", id);
        Assert.Equal("""{"name":"read","arguments":"{\"path\":\"a.txt\"}"}""", toolCall.GetProperty("function").GetRawText());
        Assert.Equal(id, JsonDocument.Parse(again.Body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("id").GetString());

        var answer = await host.CompleteAsync($$$"""
            {"model":"{{{Model}}}","messages":[{"role":"user","content":{{{JsonSerializer.Serialize(Command)}}}},
            {"role":"assistant","content":null,"tool_calls":[{"id":"{{{id}}}","type":"function","function":{"name":"read","arguments":"{\"path\":\"a.txt\"}"}}]},
            {"role":"tool","tool_call_id":"{{{id}}}","content":"file contents"}]}
            """);
        var final = JsonDocument.Parse(answer.Body).RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", final.GetProperty("finish_reason").GetString());
        Assert.Equal(2, final.GetProperty("message").GetProperty("content").GetString()!.Split(' ').Length);
    }

    [Fact]
    public async Task MaxTokensCutsTheAnswerWithFinishReasonLength()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(tokens: 10)]);

        var response = await host.CompleteAsync(Ask("Be long.", ""","max_tokens":4"""));

        var completion = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("length", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(4, completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.Split(' ').Length);
        Assert.Equal(4, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MalformedToolCommandIsA400InOpenAisErrorShape(bool stream)
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider()]);

        var response = await host.CompleteAsync(Ask("/tool bash 42", stream ? ""","stream":true""" : ""));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(
            """{"error":{"message":"The mock model's /tool command has arguments that are not a JSON object: 42; expected '/tool <name> <JSON object of arguments>'.","type":"invalid_request_error","param":null,"code":null}}""",
            response.Body);
    }

    [Fact]
    public async Task AMockIdNotInMockModelsIsA404()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider()]);

        var response = await host.CompleteAsync("""{"model":"mock/mock-9","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(404, response.StatusCode);
        Assert.Contains("Mock model 'mock-9' is not configured: MOCK_MODELS serves mock-1, mock-2.", response.Body, StringComparison.Ordinal);
    }

    private static async Task<string> CurlAsync(ChatTestHost host, string body)
    {
        var (exitCode, output) = await ClientProcess.RunAsync(
            "curl", "-sSN", "--max-time", "10", "-H", "Content-Type: application/json", "-d", body, $"http://{host.Host.EndPoint}{CompletionsPath}");
        Assert.True(exitCode == 0, $"curl exited {exitCode}: {output}");
        return output;
    }
}
