using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A registry with no tools: agents are offered only <c>agent</c>, so a test sees exactly the tools it scripts.</summary>
internal sealed class NoToolRegistry : IToolRegistry
{
    public static NoToolRegistry Instance { get; } = new();

    public IReadOnlyList<ToolDefinition> Definitions => [];

    public bool Contains(string name) => false;

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ToolResult.Failure($"Unknown tool: {name}"));
}
