using System.Text.Json;
using Gateway.Server.Mcp;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>A server in whatever state the test gives it, for what reads states (the admin view, the metrics); it takes no calls.</summary>
internal sealed class FakeMcpServer(McpServerState state) : IMcpServer
{
    public string Name => state.Name;

    public McpServerState State => state;

    public event Action? StateChanged { add { } remove { } }

    public Task<CallToolResult> CallToolAsync(
        string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken) =>
        throw new McpUnavailableException($"{Name} is a fake");
}
