using System.Text.Json;
using Gateway.Server.Mcp;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Tests.Mcp;

/// <summary>Schemas from servers become object schemas every provider takes, or the tool is dropped with a reason.</summary>
public sealed class McpSchemaCleanerTests
{
    [Fact]
    public void ZodsSchemaMarkerIsDroppedAndTheRestKept()
    {
        var schema = Clean("""{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"a":{"type":"number","default":1}},"required":["a"],"additionalProperties":false}""", out var reason);

        Assert.Null(reason);
        Assert.Equal("""{"type":"object","properties":{"a":{"type":"number","default":1}},"required":["a"],"additionalProperties":false}""", schema);
    }

    [Fact]
    public void AParameterNamedSchemaIsKept()
    {
        Assert.Equal("""{"type":"object","properties":{"$schema":{"type":"string"}}}""", Clean("""{"type":"object","properties":{"$schema":{"type":"string"}}}""", out _));
    }

    [Fact]
    public void TypeAndPropertiesAreAddedWhenMissing()
    {
        Assert.Equal("""{"type":"object","properties":{}}""", Clean("{}", out _));
        Assert.Equal("""{"type":"object","required":[],"properties":{}}""", Clean("""{"type":"object","required":[]}""", out _));
    }

    [Theory]
    [InlineData("[]", "its input schema is not a JSON object")]
    [InlineData("""{"type":"string"}""", """its input schema is of type "string", not "object" (MCP 2025-11-25 tools/list)""")]
    [InlineData("""{"type":["object","null"]}""", """its input schema is of type ["object","null"], not "object" (MCP 2025-11-25 tools/list)""")]
    public void ANonObjectSchemaDropsTheTool(string json, string expected)
    {
        Assert.Null(Clean(json, out var reason));
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void ASchemaTooLargeDropsTheTool()
    {
        var schema = $$"""{"type":"object","description":"{{new string('d', McpSchemaCleaner.MaxSchemaBytes)}}"}""";

        Assert.Null(Clean(schema, out var reason));
        Assert.StartsWith("its input schema has 32", reason);
    }

    [Fact]
    public void ASchemaTooDeepDropsTheTool()
    {
        var nested = string.Concat(Enumerable.Repeat("""{"type":"array","items":""", 40)) + "{}" + new string('}', 40);

        Assert.Null(Clean($$$"""{"type":"object","properties":{"a":{{{nested}}}}}""", out var reason));
        Assert.Equal($"its input schema nests more than {McpSchemaCleaner.MaxDepth} levels deep", reason);
    }

    [Fact]
    public void ASchemaTheLocalGrammarRefusesDropsTheTool()
    {
        // Each definition is only a reference to the next: shallow JSON, but 70 rules deep in the grammar.
        var definitions = string.Join(",", Enumerable.Range(0, 70).Select(i => $$"""
            "d{{i}}":{"$ref":"#/$defs/d{{i + 1}}"}
            """)) + ""","d70":{"type":"string"}""";
        var schema = """{"type":"object","properties":{"a":{"$ref":"#/$defs/d0"}},"$defs":{""" + definitions + "}}";

        Assert.Null(Clean(schema, out var reason));
        Assert.Contains("more than 64 levels deep", reason);
    }

    [Fact]
    public void ASchemaMakingAGrammarTooLargeDropsTheTool()
    {
        var members = string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"member-{i}\""));

        Assert.Null(Clean("""{"type":"object","properties":{"a":{"enum":[""" + members + "]}}}", out var reason));
        Assert.Contains("for local models, more than 16 KiB", reason);
    }

    [Fact]
    public void TheDescriptionIsTheTitleWhenAbsentAndCut()
    {
        Assert.Equal("Adds", McpSchemaCleaner.Description(new Tool { Name = "a", Title = "Adds" }));
        Assert.Equal("", McpSchemaCleaner.Description(new Tool { Name = "a" }));
        var cut = McpSchemaCleaner.Description(new Tool { Name = "a", Description = new string('x', 2000) });
        Assert.Equal(McpSchemaCleaner.MaxDescriptionLength, cut.Length);
        Assert.EndsWith("x…", cut);
    }

    private static string? Clean(string json, out string? reason)
    {
        using var document = JsonDocument.Parse(json);
        return McpSchemaCleaner.Clean(document.RootElement, out reason)?.ToString();
    }
}
