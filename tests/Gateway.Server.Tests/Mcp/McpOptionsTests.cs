using Gateway.Server.Agents;
using Gateway.Server.Configuration;
using Gateway.Server.Mcp;

namespace Gateway.Server.Tests.Mcp;

/// <summary>The MCP_* variables and ENABLED_TOOLS' MCP names: defaults, values, finite ranges.</summary>
public sealed class McpOptionsTests
{
    [Fact]
    public void DefaultsApplyWhenNothingIsSet()
    {
        var options = GatewayOptions.FromEnvironment(_ => null);

        Assert.Equal(new McpOptions(null, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), "auto", TimeSpan.FromSeconds(60)), options.Mcp);
        Assert.Equal([AgentOptions.AllMcpTools], options.Agents.McpToolPatterns);
        Assert.Equal(AgentOptions.BuiltInToolNames.ToHashSet(), options.Agents.EnabledTools);
    }

    [Fact]
    public void McpVariablesAreRead()
    {
        var options = GatewayOptions.FromEnvironment(Environment(
            ("MCP_SERVERS_FILE", "mcp.json"), ("MCP_TOOL_TIMEOUT_SECONDS", "1.5"), ("MCP_START_TIMEOUT_SECONDS", "5"),
            ("MCP_SANDBOX", "BWRAP"), ("MCP_RESTART_MAX_SECONDS", "10")));

        Assert.Equal(new McpOptions(Path.GetFullPath("mcp.json"), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(5), "bwrap", TimeSpan.FromSeconds(10)), options.Mcp);
    }

    [Theory]
    [InlineData("MCP_TOOL_TIMEOUT_SECONDS", "0", "MCP_TOOL_TIMEOUT_SECONDS=0: expected a number of seconds above 0 and at most 86400.")]
    [InlineData("MCP_START_TIMEOUT_SECONDS", "86401", "MCP_START_TIMEOUT_SECONDS=86401: expected a number of seconds above 0 and at most 86400.")]
    [InlineData("MCP_RESTART_MAX_SECONDS", "never", "MCP_RESTART_MAX_SECONDS=never: expected a number of seconds above 0 and at most 86400.")]
    [InlineData("MCP_SANDBOX", "docker", "MCP_SANDBOX=docker: expected auto, none or bwrap.")]
    public void InvalidValuesNameTheVariable(string name, string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(Environment((name, value))));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void EnabledToolsTakesMcpNamesAndGlobsBesideBuiltInOnes()
    {
        var agents = GatewayOptions.FromEnvironment(Environment(("ENABLED_TOOLS", "read, mcp__github__*,mcp__everything__echo,mcp__not_yet_there"))).Agents;

        Assert.Equal(["read"], agents.EnabledTools);
        Assert.Equal(["mcp__github__*", "mcp__everything__echo", "mcp__not_yet_there"], agents.McpToolPatterns);
    }

    [Fact]
    public void EnabledToolsWithoutMcpNamesOffersNoMcpTool()
    {
        Assert.Empty(GatewayOptions.FromEnvironment(Environment(("ENABLED_TOOLS", "bash,read"))).Agents.McpToolPatterns);
    }

    [Fact]
    public void AnUnknownBuiltInNameIsStillAnError()
    {
        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(Environment(("ENABLED_TOOLS", "read,mcp__x__y,grep"))));

        Assert.StartsWith("ENABLED_TOOLS: unknown tool(s) grep;", error.Message);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] values) =>
        name => values.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
