using System.Collections.Immutable;
using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics;
using Gateway.Server.Endpoints;
using Gateway.Server.Mcp;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;
using Gateway.Server.Tests.Mcp;
using ModelContextProtocol.Protocol;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>GET /mcp/servers' body, byte for byte, for servers in each state.</summary>
public sealed class McpServersEndpointTests
{
    [Fact]
    public async Task NoServersIsAnEmptyList()
    {
        Assert.Equal("""{"servers":[]}""", await GetAsync([]));
    }

    [Fact]
    public async Task EachServerHasItsStateToolsAndLastError()
    {
        var at = new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero);
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;
        Tool[] tools = [new() { Name = "echo", InputSchema = schema }, new() { Name = "get.sum", InputSchema = schema }, new() { Name = "zip", InputSchema = schema }];
        IMcpServer[] servers =
        [
            new FakeMcpServer(new McpServerState("everything", "stdio", "shared", McpServerStatus.Ready, [.. tools], 1, Pid: 4242,
                ProtocolVersion: "2025-11-25", ServerName: "mcp-servers/everything", ServerVersion: "2.0.0", LastError: "exited (code 3)", LastErrorAt: at)),
            new FakeMcpServer(new McpServerState("remote", "http", "shared", McpServerStatus.Backoff, ImmutableArray<Tool>.Empty, 0,
                LastError: "Connection refused", LastErrorAt: at, NextAttemptAt: at.AddSeconds(2))),
            new FakeMcpServer(new McpServerState("bad", "stdio", "session", McpServerStatus.Invalid, [], 0, LastError: "mcpServers.bad.command must be a string")),
        ];

        // One line on the wire; broken here at each server.
        const string Expected = """
            {"servers":[
            {"name":"everything","transport":"stdio","scope":"shared","state":"ready","pid":4242,"protocolVersion":"2025-11-25","serverInfo":{"name":"mcp-servers/everything","version":"2.0.0"},"tools":[{"name":"mcp__everything__echo","original":"echo"},{"name":"mcp__everything__get_sum","original":"get.sum"},{"name":"mcp__everything__zip","original":"zip","dropped":"not enabled by ENABLED_TOOLS"}],"restarts":1,"lastError":"exited (code 3)","lastErrorAt":"2026-12-06T18:00:00+00:00"},
            {"name":"remote","transport":"http","scope":"shared","state":"backoff","tools":[],"restarts":0,"lastError":"Connection refused","lastErrorAt":"2026-12-06T18:00:00+00:00","nextAttemptAt":"2026-12-06T18:00:02+00:00"},
            {"name":"bad","transport":"stdio","scope":"session","state":"invalid","tools":[],"restarts":0,"sessions":0,"lastError":"mcpServers.bad.command must be a string"}
            ]}
            """;
        Assert.Equal(Expected.ReplaceLineEndings(""), await GetAsync(servers));
    }

    private static async Task<string> GetAsync(IReadOnlyList<IMcpServer> servers)
    {
        var tools = servers.Count == 0 ? null : new McpToolRegistry(servers, ["mcp__everything__echo", "mcp__*_sum"], McpOptions.Default, GatewayLog.Silent);
        await using var server = TestServer.Start(new Router().Map(RequestMethod.Get, "/mcp/servers", new McpServersEndpoint(servers, tools)));
        await using var connection = await server.ConnectAsync();
        await connection.SendAsync("GET /mcp/servers HTTP/1.1\r\nHost: test\r\n\r\n");
        var response = await connection.ReadResponseAsync();
        Assert.Equal((200, "application/json"), (response.StatusCode, response.Header("Content-Type")));
        return response.Body;
    }
}
