using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Tools;
using Gateway.Tools.BuiltIn;

namespace Gateway.Server.Tests.Agents;

/// <summary>The server's view of the built-in tools: names from the generated registry, each tool's own permission hooks, and the SPEC §6 fallbacks.</summary>
public sealed class BuiltInToolRegistryTests : IDisposable
{
    private readonly DirectoryInfo _workspace = Directory.CreateTempSubdirectory("gateway-tool-registry-");

    public void Dispose() => _workspace.Delete(recursive: true);

    private ToolContext Context => new(_workspace.FullName);

    private static JsonElement Arguments(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void BuiltInToolNamesAreTheAgentToolThenEveryGeneratedTool() =>
        Assert.Equal([AgentTool.Name, BashTool.Name, PatchTool.Name, ReadTool.Name], AgentOptions.BuiltInToolNames);

    [Fact]
    public void OnlyTheEnabledToolsAreOffered()
    {
        var registry = new BuiltInToolRegistry(new HashSet<string>([ReadTool.Name, AgentTool.Name]));

        Assert.Equal([ReadTool.Name], registry.Definitions.Select(d => d.Name));
        Assert.True(registry.Contains(ReadTool.Name));
        Assert.False(registry.Contains(PatchTool.Name));
    }

    [Theory]
    [InlineData(BashTool.Name, """{"command":"ls -la","timeout":3}""")]
    [InlineData(ReadTool.Name, """{"filePath":"src/a.cs"}""")]
    [InlineData(AgentTool.Name, """{"task":"x"}""")]
    public void RulesSeeTheArgumentsOfToolsWithoutAView(string tool, string arguments)
    {
        var registry = new BuiltInToolRegistry(AgentOptions.BuiltInToolNames.ToHashSet());

        Assert.Equal(arguments, registry.PermissionView(tool, Arguments(arguments), Context).ToString());
    }

    [Fact]
    public void RulesSeeThePatchThroughItsOwnView()
    {
        var registry = new BuiltInToolRegistry(AgentOptions.BuiltInToolNames.ToHashSet());
        var arguments = Arguments("""{"patch":"*** Begin Patch\n*** Add File: src/a.cs\n+x\n*** End Patch"}""");

        var view = Arguments(registry.PermissionView(PatchTool.Name, arguments, Context).ToString());

        Assert.Equal(
            (arguments.GetProperty("patch").GetString(), "src/"),
            (view.GetProperty("patch").GetString(), view.GetProperty("directory").GetString()));
    }

    [Theory]
    [InlineData(BashTool.Name, """{"command":"git status","timeout":3}""", "command=git **")]
    [InlineData(BashTool.Name, """{"timeout":3}""", "timeout=3")]
    [InlineData(ReadTool.Name, """{"filePath":"src/a.cs","limit":9}""", "filePath=src/**")]
    [InlineData(AgentTool.Name, """{"task":"fix it"}""", "task=fix **")]
    public void AnAlwaysRuleComesFromTheToolsHookElseTheGenericDerivation(string tool, string arguments, string expected)
    {
        var registry = new BuiltInToolRegistry(AgentOptions.BuiltInToolNames.ToHashSet());

        var rule = registry.DeriveAlwaysRule(tool, Arguments(arguments), Context);

        Assert.Equal((tool, expected), (rule.Tool, string.Join(' ', rule.Params.Select(p => $"{p.Key}={p.Value}"))));
    }
}
