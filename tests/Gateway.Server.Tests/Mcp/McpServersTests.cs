using Gateway.Server.Diagnostics;
using Gateway.Server.Mcp;
using Gateway.Tools.BuiltIn;

namespace Gateway.Server.Tests.Mcp;

/// <summary>What <see cref="McpServers"/> decides before any server runs; the servers themselves are in Gateway.IntegrationTests/Mcp.</summary>
public sealed class McpServersTests
{
    [Fact]
    public async Task InvalidAndDisabledServersAreNeverStarted()
    {
        McpServerConfig[] configs =
        [
            new("bad", "stdio", McpServerConfig.Shared) { Invalid = "$.mcpServers.bad needs a command (stdio) or a url (Streamable HTTP)" },
            new("off", "stdio", McpServerConfig.Shared) { Disabled = true, Stdio = new McpStdioCommand("x", [], [], null, false) },
        ];
        await using var servers = new McpServers(configs, McpOptions.Default, Path.GetTempPath(), sandbox: null, GatewayLog.Silent);

        servers.Start();

        Assert.Equal(
            [
                ("bad", "stdio", "shared", McpServerStatus.Invalid, "$.mcpServers.bad needs a command (stdio) or a url (Streamable HTTP)"),
                ("off", "stdio", "shared", McpServerStatus.Stopped, null),
            ],
            servers.Servers.Select(s => (s.Name, s.State.Transport, s.State.Scope, s.State.Status, s.State.LastError)));
        var failure = await Assert.ThrowsAsync<McpUnavailableException>(() => servers.Servers[0].CallToolAsync("t", new Dictionary<string, System.Text.Json.JsonElement>(), new Progress<ModelContextProtocol.ProgressNotificationValue>(), CancellationToken.None));
        Assert.Equal("server bad is invalid ($.mcpServers.bad needs a command (stdio) or a url (Streamable HTTP))", failure.Message);
    }

    [Theory]
    [InlineData("auto", true, "bash")]
    [InlineData("auto", false, null)]
    [InlineData("none", true, null)]
    [InlineData("bwrap", true, "bash")]
    [InlineData("bwrap", false, "settings")]
    public void McpSandboxFollowsBashsSettledSandboxOrForcesOne(string mode, bool bashSandboxed, string? expected)
    {
        var bash = new BashSandbox();
        var settings = new BashSandbox();

        var sandbox = McpServers.Sandbox(mode, bashSandboxed ? bash : null, settings);

        Assert.Same(expected switch { "bash" => bash, "settings" => settings, _ => null }, sandbox);
    }
}
