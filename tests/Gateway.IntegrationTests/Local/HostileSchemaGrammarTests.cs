using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Local.Tools;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Local;

/// <summary>
/// Schemas a caller may send to break the grammar: each becomes a grammar llama.cpp loads and decodes under (one it
/// refused would abort the process at the first sample), or a 400 when it is too deep or too large.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class HostileSchemaGrammarTests : IDisposable
{
    private readonly GrammarDecoder _decoder = new();

    public void Dispose() => _decoder.Dispose();

    public static TheoryData<string> Loadable => new()
    {
        // Not an object, or types that are not JSON Schema's.
        "5", "\"object\"", "[]", "true", "null", "{}",
        """{"type":"frobnicate"}""", """{"type":5}""", """{"type":[1,"string",null]}""", """{"properties":5}""",
        """{"type":"object","properties":{"a":5,"b":[]},"required":"a"}""", """{"enum":"x"}""", """{"anyOf":{}}""", """{"oneOf":[]}""",
        """{"type":"string","minLength":-1,"maxLength":"x"}""", """{"type":"array","items":7,"minItems":1e3,"maxItems":-2}""",
        // References that lead nowhere, or only back to themselves.
        """{"$ref":"http://example.com/schema"}""", """{"$ref":"#/$defs/missing"}""", """{"$ref":5}""", """{"$ref":"#"}""",
        """{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}}""",
        """{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}}""",
        """{"$ref":"#/$defs/a","$defs":{"a":{"anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}]}}}""",
        """{"$ref":"#/$defs/c","$defs":{"c":{"anyOf":[{"type":"array","items":{"$ref":"#/$defs/b"}},{"$ref":"#/$defs/b"}]},"b":{"$ref":"#/$defs/c"}}}""",
        """{"$defs":{"n":{"type":"object","properties":{"n":{"$ref":"#/$defs/n"}},"required":["n"]}},"$ref":"#/$defs/n"}""",
        // Names and values no rule name or literal may carry as they are.
        """{"type":"object","properties":{"":{},"ü \u0000\"\\":{"const":"\n\u0001"},"::=":{"enum":["|","\"",{"a":[1, 2]}]}},"required":[""]}""",
        // Large but within bounds: deep nesting (JSON's own limit is 64 levels), a thousand enum members, 26 optional properties.
        Nested(30, inner => $$"""{"type":"object","properties":{"a":{{inner}}},"required":["a"]}"""),
        Nested(31, inner => $$"""{"type":"array","items":{{inner}},"maxItems":256}"""),
        "{\"enum\":[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"member-{i}\"")) + "]}",
        "{\"type\":\"object\",\"properties\":{" + string.Join(",", Enumerable.Range('a', 26).Select(c => $"\"{(char)c}\":{{\"type\":\"boolean\"}}")) + "}}",
    };

    [Theory]
    [MemberData(nameof(Loadable))]
    public void EveryGrammarLoadsAndDecodes(string schema)
    {
        using var document = JsonDocument.Parse(schema);

        var grammar = JsonSchemaGrammar.For(document.RootElement);

        var (text, ended) = _decoder.Generate(grammar, maxTokens: 24);
        Assert.True(text.Length > 0 || ended);
    }

    [Theory]
    [InlineData("""{"enum":["celsius","fahrenheit"]}""")]
    [InlineData("""{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}}""")]
    public void AToolWhoseParametersAreHostileGetsACallGrammarThatLoads(string parameters)
    {
        var grammar = ToolCallGrammar.For(LocalToolFamily.Hermes, [new ToolDefinition("get_weather", "", RawJson.Parse(parameters))], parallel: false);

        var (text, _) = _decoder.Generate(grammar, maxTokens: 48);
        Assert.StartsWith("{\"name\": \"get_weather\", \"arguments\": ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AChainOfReferencesDeeperThanTheBoundIsRefused()
    {
        var definitions = string.Join(",", Enumerable.Range(0, 100).Select(i => $$$"""
            "d{{{i}}}":{"type":"array","items":{"$ref":"#/$defs/d{{{i + 1}}}"}}
            """));
        using var document = JsonDocument.Parse("""{"$ref":"#/$defs/d0","$defs":{""" + definitions + ""","d100":{"type":"null"}}}""");

        var refused = Assert.Throws<LocalModelException>(() => JsonSchemaGrammar.For(document.RootElement));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("The JSON Schema nests more than 64 levels deep (counting $refs), more than a local model's grammar takes.", refused.Message);
    }

    [Fact]
    public void OptionalPropertiesWhoseGrammarWouldGrowPastTheBoundAreRefused()
    {
        // Any in-order subset of n optional properties takes n² pieces: 2000 would take tens of megabytes.
        var properties = string.Join(",", Enumerable.Range(0, 2000).Select(i => $$"""
            "p{{i}}":{"type":"null"}
            """));
        using var document = JsonDocument.Parse("""{"type":"object","properties":{""" + properties + "}}");

        var refused = Assert.Throws<LocalModelException>(() => JsonSchemaGrammar.For(document.RootElement));

        Assert.Equal(400, refused.StatusCode);
    }

    private static string Nested(int levels, Func<string, string> wrap)
    {
        var schema = """{"enum":["end"]}""";
        for (var i = 0; i < levels; i++)
        {
            schema = wrap(schema);
        }
        return schema;
    }
}
