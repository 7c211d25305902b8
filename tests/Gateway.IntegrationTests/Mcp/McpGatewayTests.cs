using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics.Metrics;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Metrics.Exposition;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>The gateway around its MCP servers: a server that cannot start harms nothing else, the admin view is keyed, the metrics, a bad file.</summary>
public sealed class McpGatewayTests
{
    [Fact]
    public async Task WithoutMcpServersTheAdminViewIsAnEmptyList()
    {
        await using var host = await ChatTestHost.StartAsync();

        var response = await host.Host.GetAsync("/mcp/servers");

        Assert.Equal((200, """{"servers":[]}"""), (response.StatusCode, response.Body));
    }

    [Fact]
    public async Task AServerThatCannotStartLeavesTheGatewayServingAndShowsWhyBehindTheKey()
    {
        var model = new ScriptedModelProvider().ThenText("fine");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Stdio("broken", "/nonexistent/mcp-server", []), model, apiKeys: ["admin-key"]);
        const string Key = "Authorization: Bearer admin-key\r\n";

        var broken = await mcp.ServerAsync("broken", s => s.GetProperty("state").GetString() == "backoff", "in backoff", Key);

        Assert.False(string.IsNullOrEmpty(broken.GetProperty("lastError").GetString()));
        Assert.Equal(JsonValueKind.String, broken.GetProperty("nextAttemptAt").ValueKind);
        Assert.Equal(0, broken.GetProperty("tools").GetArrayLength());
        Assert.Equal(401, (await mcp.Chat.Host.GetAsync("/mcp/servers")).StatusCode);
        Assert.Equal(200, (await mcp.Chat.Host.GetAsync("/health")).StatusCode);
        await using var connection = await mcp.Chat.PostAsync("/chat", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", Key);
        Assert.Equal(200, (await connection.ReadResponseAsync(headRequest: true)).StatusCode);
        Assert.Equal("fine", (await new EventStreamReader(connection).ReadAllEventsAsync()).Single(e => e.Name == "text").Field("content"));
        Assert.DoesNotContain(mcp.Chat.Model.Requests.Single().Tools, t => t.Name.StartsWith("mcp__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EntriesThatAreNotStartedShowWhyAndTheOthersStillRun()
    {
        await using var mcp = await McpTestHost.StartAsync(string.Join(',',
            McpTestHost.Everything,
            McpTestHost.Stdio("bad_name", "node", []),
            McpTestHost.Stdio("off", "node", [], ",\"disabled\":true")));

        await mcp.ReadyAsync("everything");
        var servers = JsonDocument.Parse((await mcp.Chat.Host.GetAsync("/mcp/servers")).Body).RootElement.GetProperty("servers");

        Assert.Equal(
            [
                ("bad_name", "invalid", "$.mcpServers.bad_name: a server name is 1 to 24 letters, digits and '-'"),
                ("off", "stopped", null),
            ],
            servers.EnumerateArray().Skip(1).Select(s => (
                s.GetProperty("name").GetString(),
                s.GetProperty("state").GetString(),
                s.TryGetProperty("lastError", out var error) ? error.GetString() : null)));
    }

    [Fact]
    public async Task AServersFileOfAnotherShapeStopsStartUpWithExitCode2SayingWhere()
    {
        var file = Path.Combine(Path.GetTempPath(), $"gateway-mcp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"mcpServers":[]}""");
        try
        {
            await using var gateway = GatewayProcess.Start(new Dictionary<string, string> { ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["MCP_SERVERS_FILE"] = file });

            Assert.Equal(2, await gateway.WaitForExitAsync());
            Assert.Contains(gateway.Log, line => line.Contains($"MCP_SERVERS_FILE {file}: $.mcpServers must be an object", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task MetricsGiveEachServersStateAndItsToolsCallsByName()
    {
        var metrics = new GatewayMetrics(TimeProvider.System);
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__echo", """{"message":"hi"}""")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Everything, model, metrics: metrics);
        var ready = await mcp.ReadyAsync("everything");
        await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__everything__echo"}]}""");

        var body = (await mcp.Chat.Host.GetAsync("/metrics")).Body;

        Assert.Equal(1, Value(body, "gateway_mcp_server_up{server=\"everything\"}"));
        Assert.Equal(0, Value(body, "gateway_mcp_server_restarts_total{server=\"everything\"}"));
        Assert.Equal(ready.GetProperty("tools").GetArrayLength(), Value(body, "gateway_mcp_server_tools{server=\"everything\"}"));
        Assert.Equal(1, Value(body, "gateway_tool_calls_total{tool=\"mcp__everything__echo\",outcome=\"success\"}"));
        await Promtool.AssertValidAsync(Promtool.Find(), body);
    }
}
