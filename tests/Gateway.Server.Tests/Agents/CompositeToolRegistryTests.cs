using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Diagnostics;
using Gateway.Server.Mcp;
using Gateway.Server.Tests.Mcp;
using Gateway.Tools;
using Gateway.Tools.BuiltIn;

namespace Gateway.Server.Tests.Agents;

/// <summary>The built-in tools then the MCP servers' as one registry: the joined list follows the MCP list, each name goes to its owner.</summary>
public sealed class CompositeToolRegistryTests
{
    private readonly ToolContext _context = new(Path.GetTempPath());

    private readonly FakeMcpServer _server = new("s", FakeMcpServer.Tool("t"));

    private CompositeToolRegistry Registry() => new(
        new BuiltInToolRegistry(new HashSet<string>([ReadTool.Name, BashTool.Name])),
        new McpToolRegistry([_server], [AgentOptions.AllMcpTools], McpOptions.Default, GatewayLog.Silent));

    [Fact]
    public void BuiltInsComeFirstAndTheJoinedListFollowsTheMcpList()
    {
        var registry = Registry();

        var first = registry.Definitions;
        Assert.Same(first, registry.Definitions);
        _server.Set(McpServerStatus.Ready, FakeMcpServer.Tool("t"), FakeMcpServer.Tool("u"));

        Assert.Equal([BashTool.Name, ReadTool.Name, "mcp__s__t"], first.Select(d => d.Name));
        Assert.Equal([BashTool.Name, ReadTool.Name, "mcp__s__t", "mcp__s__u"], registry.Definitions.Select(d => d.Name));
    }

    [Fact]
    public async Task EachNameGoesToItsOwner()
    {
        var registry = Registry();
        using var arguments = JsonDocument.Parse("""{"command":"ls -la"}""");

        Assert.True(registry.Contains("mcp__s__t") && registry.Contains(ReadTool.Name));
        Assert.False(registry.Contains(PatchTool.Name));
        Assert.Equal("ok", (await registry.InvokeAsync("mcp__s__t", RawJson.Parse("{}"), _context, CancellationToken.None)).Context);
        Assert.Equal("Unknown tool: patch", (await registry.InvokeAsync(PatchTool.Name, RawJson.Parse("{}"), _context, CancellationToken.None)).Error);
        Assert.Empty(registry.DeriveAlwaysRule("mcp__s__t", arguments.RootElement, _context).Params);
        Assert.Equal([new("command", "ls **")], registry.DeriveAlwaysRule(BashTool.Name, arguments.RootElement, _context).Params);
    }
}
