using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;
using static Gateway.IntegrationTests.Local.LocalModelFiles;
using static Gateway.IntegrationTests.OpenAi.OpenAiTestKit;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary>
/// The front door on the in-process successor model, which answers a chat with A, B, C, … one token each: the caller's
/// token limit and stop sequences end it with the right finish reason, and the usage is the real token count.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class CompletionLocalModelTests
{
    /// <summary>&lt;s&gt;, "▁", then one token per character of the ChatML prompt.</summary>
    private static readonly int s_promptTokens = 2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length;

    private static string Usage(int completionTokens) =>
        $$"""{"prompt_tokens":{{s_promptTokens}},"completion_tokens":{{completionTokens}},"total_tokens":{{s_promptTokens + completionTokens}}}""";

    [Fact]
    public async Task MaxTokensCutsTheAnswerWithFinishReasonLength()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            """{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"successor-tiny","choices":[{"index":0,"message":{"role":"assistant","content":"ABCDE"},"finish_reason":"length"}],"usage":"""
            + Usage(completionTokens: 5) + "}",
            Normalize(response.Body));
    }

    [Fact]
    public async Task AStopSequenceEndsTheStreamWithFinishReasonStop()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var (_, body) = await host.StreamAsync("""
            {"model":"local/successor-tiny","stream":true,"stream_options":{"include_usage":true},"stop":["DE"],"messages":[{"role":"user","content":"Hi"}]}
            """);

        const string Model = "local/successor-tiny";
        // "D" is held back until "E" shows it is the stop sequence; neither is sent. Five tokens were generated.
        Assert.Equal(
            Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"content":"A"},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"content":"B"},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{"content":"C"},"finish_reason":null}""", "null", Model)
            + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""", "null", Model)
            + $$"""data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"{{Model}}","choices":[],"usage":""" + Usage(completionTokens: 5) + "}\n\n"
            + "data: [DONE]\n\n",
            Normalize(body));
    }

    [Fact]
    public async Task TheWholeAnswerEndsWithTheModelsEndOfGenerationAsStop()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync("""{"model":"successor-tiny","messages":[{"role":"user","content":"Hi"}]}""");

        using var document = JsonDocument.Parse(response.Body);
        var choice = document.RootElement.GetProperty("choices")[0];
        Assert.Equal(string.Concat(Enumerable.Range('A', '~' - 'A' + 1).Select(c => (char)c)), choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task APromptTooLongForTheContextIs400()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync($$$"""{"model":"successor-tiny","messages":[{"role":"user","content":"{{{new string('x', 600)}}}"}]}""");

        Assert.Equal(400, response.StatusCode);
        using var document = JsonDocument.Parse(response.Body);
        Assert.Contains("more than the 512 tokens a sequence holds", document.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATemperatureSamplesInsteadOfPickingTheMostLikelyToken()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync("""{"model":"stories260K","temperature":1.0,"top_p":0.95,"max_tokens":40,"messages":[{"role":"user","content":"Once upon a time"}]}""");
        var greedy = await host.CompleteAsync("""{"model":"stories260K","max_tokens":40,"messages":[{"role":"user","content":"Once upon a time"}]}""");

        Assert.Equal(200, response.StatusCode);
        using var sampled = JsonDocument.Parse(response.Body);
        using var picked = JsonDocument.Parse(greedy.Body);
        Assert.Equal(40, sampled.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        // Greedy decoding of this prompt is fixed (see LocalGenerationTests); 40 sampled tokens matching it all is vanishingly unlikely.
        Assert.StartsWith(", there was a little girl named Lily.", picked.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(
            picked.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            sampled.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ARequiredToolChoiceMakesALocalModelCallAnOfferedToolWhileAutoAnswersText()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);
        const string Tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"unit\"]}}}]";

        var required = await host.CompleteAsync("""{"model":"successor-tiny","tool_choice":"required",""" + Tools + ""","messages":[{"role":"user","content":"Hi"}]}""");
        var named = await host.CompleteAsync("""{"model":"successor-tiny","tool_choice":{"type":"function","function":{"name":"get_weather"}},""" + Tools + ""","messages":[{"role":"user","content":"Hi"}]}""");
        var offered = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":2,""" + Tools + ""","messages":[{"role":"user","content":"Hi"}]}""");

        foreach (var response in new[] { required, named })
        {
            Assert.Equal(200, response.StatusCode);
            Assert.Contains("\"name\":\"get_weather\",\"arguments\":\"{\\\"unit\\\":\\\"fahrenheit\\\"}\"", response.Body, StringComparison.Ordinal);
            Assert.Contains("\"finish_reason\":\"tool_calls\"", response.Body, StringComparison.Ordinal);
        }
        Assert.Equal(200, offered.StatusCode);
        Assert.Contains("\"content\":\"AB\"", offered.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}""", 400, """{"error":{"message":"The model 'successor-tiny' reads text only: messages[1].content[1] is an image or a binary file","type":"invalid_request_error","param":"messages[1].content[1]","code":null}}""")]
    [InlineData("""{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x"}}""", 400, """{"error":{"message":"The model 'successor-tiny' reads text only: messages[1].content[1] is an image or a binary file","type":"invalid_request_error","param":"messages[1].content[1]","code":null}}""")]
    [InlineData("""{"type":"file","file":{"file_data":"data:text/plain;base64,SGk="}}""", 200, "\"content\":\"AB\"")]
    public async Task ALocalModelRefusesImagesAndBinaryFilesButReadsTextFiles(string part, int status, string expected)
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":2,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"},""" + part + "]}]}");

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(expected, response.Body, StringComparison.Ordinal);
    }
}
