using System.Text.RegularExpressions;
using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;
using static Gateway.IntegrationTests.Local.LocalModelFiles;
using static Gateway.IntegrationTests.OpenAi.OpenAiTestKit;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary>
/// A structured <c>response_format</c> on the in-process successor model, which alone would answer "ABC…": a grammar
/// holds the answer to the schema (or to a JSON object), whole and streamed; a malformed format or a schema too large
/// for a grammar is refused with 400, and providers that cannot constrain their answer refuse any structured format.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class CompletionResponseFormatTests
{
    private const string Weather = """
        {"type":"json_schema","json_schema":{"name":"weather","strict":true,"schema":{"type":"object","properties":{"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["unit"],"additionalProperties":false}}}
        """;

    /// <summary>&lt;s&gt;, "▁", then one token per character of the ChatML prompt.</summary>
    private static readonly int s_promptTokens = 2 + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n".Length;

    [Fact]
    public async Task AJsonSchemaOfEnumsHoldsTheAnswerToAValidDocument()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync("""{"model":"successor-tiny","messages":[{"role":"user","content":"Hi"}],"response_format":""" + Weather + "}");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            """{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"successor-tiny","choices":[{"index":0,"message":{"role":"assistant","content":"{\"unit\": \"fahrenheit\" } "},"finish_reason":"stop"}],"usage":"""
            + $$$"""{"prompt_tokens":{{{s_promptTokens}}},"completion_tokens":24,"total_tokens":{{{s_promptTokens + 24}}}}}""",
            Normalize(response.Body));
        using var answer = JsonDocument.Parse(response.Body);
        using var content = JsonDocument.Parse(answer.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal("fahrenheit", content.RootElement.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task TheStreamCarriesTheSameDocumentAsText()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var (_, body) = await host.StreamAsync("""{"model":"successor-tiny","stream":true,"messages":[{"role":"user","content":"Hi"}],"response_format":""" + Weather + "}");

        var lines = Normalize(body).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""", model: "successor-tiny"), lines[0] + "\n\n");
        Assert.Equal(Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""", model: "successor-tiny") + "data: [DONE]\n\n", string.Concat(lines[^2..].Select(l => l + "\n\n")));
        var text = string.Concat(lines[1..^2].Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("{\"unit\": \"fahrenheit\" } ", text);
    }

    /// <summary>Where free text is "ABC…", json_object opens an object; its key is a free string, which this model never ends.</summary>
    [Theory]
    [InlineData("""{"type":"json_object"}""", 40, """{\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGH""")]
    [InlineData("""{"type":"text"}""", 2, "AB")]
    [InlineData("null", 2, "AB")]
    public async Task JsonObjectOpensAnObjectWhereTextIsFree(string format, int maxTokens, string content)
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync($$"""{"model":"successor-tiny","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"Hi"}],"response_format":{{format}}}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            $$$"""{"id":"chatcmpl-ID","object":"chat.completion","created":0,"model":"successor-tiny","choices":[{"index":0,"message":{"role":"assistant","content":"{{{content}}}"},"finish_reason":"length"}],"usage":"""
            + $$$"""{"prompt_tokens":{{{s_promptTokens}}},"completion_tokens":{{{maxTokens}}},"total_tokens":{{{s_promptTokens + maxTokens}}}}}""",
            Normalize(response.Body));
    }

    [Fact]
    public async Task WithToolsACallThatMustBeMadeIsMadeAndOtherwiseTheFormatHoldsTheText()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);
        const string Tools = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"unit":{"enum":["celsius","fahrenheit"]}},"required":["unit"]}}}]
            """;

        var required = await host.CompleteAsync("""{"model":"successor-tiny","tool_choice":"required",""" + Tools + ""","messages":[{"role":"user","content":"Hi"}],"response_format":""" + Weather + "}");
        var auto = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":30,""" + Tools + ""","messages":[{"role":"user","content":"Hi"}],"response_format":""" + Weather + "}");

        // OpenAI's rule: the format shapes the text answer, and a turn that must call has none.
        Assert.Contains("\"arguments\":\"{\\\"unit\\\":\\\"fahrenheit\\\"}\"}}]},\"finish_reason\":\"tool_calls\"", required.Body, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"{\\\"unit\\\": \\\"fahrenheit\\\" } \"},\"finish_reason\":\"stop\"", auto.Body, StringComparison.Ordinal);
        // Nor is an auto turn held to a format offered the tools, though they would fit: it could not call them, and the offer would only cost context.
        var bare = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":30,"messages":[{"role":"user","content":"Hi"}],"response_format":""" + Weather + "}");
        Assert.Equal(PromptTokens(bare.Body), PromptTokens(auto.Body));
    }

    [Theory]
    [InlineData("\"json\"", "response_format.type must be \\\"text\\\", \\\"json_object\\\" or \\\"json_schema\\\"", "response_format.type")]
    [InlineData("""{"type":"xml"}""", "response_format.type must be \\\"text\\\", \\\"json_object\\\" or \\\"json_schema\\\"", "response_format.type")]
    [InlineData("""{"type":"json_schema"}""", "response_format.json_schema must be an object", "response_format.json_schema")]
    [InlineData("""{"type":"json_schema","json_schema":{"schema":{}}}""", "response_format.json_schema.name must be 1 to 64 letters, digits, underscores or dashes", "response_format.json_schema.name")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"a b"}}""", "response_format.json_schema.name must be 1 to 64 letters, digits, underscores or dashes", "response_format.json_schema.name")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"a","schema":[]}}""", "response_format.json_schema.schema must be a JSON Schema object", "response_format.json_schema.schema")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"a","strict":"yes"}}""", "response_format.json_schema.strict must be a boolean", "response_format.json_schema.strict")]
    public async Task AMalformedFormatIsRefusedNamingTheField(string format, string message, string param)
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync("""{"model":"successor-tiny","messages":[{"role":"user","content":"Hi"}],"response_format":""" + format + "}");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal($$$"""{"error":{"message":"{{{message}}}","type":"invalid_request_error","param":"{{{param}}}","code":null}}""", response.Body);
    }

    [Theory]
    [InlineData("""{"$ref":"#/$defs/a","$defs":{"a":{"anyOf":[{"$ref":"#/$defs/a"},{"$ref":"#/$defs/b"}]},"b":{"$ref":"#/$defs/a"}}}""")]
    [InlineData("""{"type":"object","properties":{"x":{"type":["frobnicate",7]},"y":{"$ref":"https://example.com/s"}},"required":["x","y"]}""")]
    [InlineData("""{"anyOf":[]}""")]
    public async Task AHostileSchemaGetsAnAnswerNotACrash(string schema)
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        var response = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":8,"messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"h","schema":""" + schema + "}}}");
        var after = await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":2,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("\"finish_reason\":", response.Body, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"AB\"", after.Body, StringComparison.Ordinal); // The process and the model still serve.
    }

    [Fact]
    public async Task ASchemaTooLargeForAGrammarIsRefusedWith400()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);
        var members = string.Join(",", Enumerable.Range(0, 30_000).Select(i => $"\"member-{i}\""));

        var response = await host.CompleteAsync("""{"model":"successor-tiny","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"big","schema":{"enum":[""" + members + "]}}}}");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("""{"error":{"message":"The JSON Schema makes a grammar of more than 256 KiB, more than a local model takes: it has too many properties, enum members or alternatives.","type":"invalid_request_error","param":null,"code":null}}""", response.Body);
    }

    [Fact]
    public async Task AProviderThatCannotConstrainItsAnswerRefusesAStructuredFormat()
    {
        await using var host = await ChatTestHost.StartAsync();

        var response = await host.CompleteAsync("""{"model":"test-model","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}""");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("""{"error":{"message":"response_format is only supported for models of OpenAI's APIs and local models, not 'test-model'","type":"invalid_request_error","param":"response_format","code":null}}""", response.Body);
    }

    private static string PromptTokens(string body) => Regex.Match(body, "\"prompt_tokens\":[0-9]+").Value;
}
