using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>A registry with no tools: until the built-in tools are registered, agents are offered only <c>agent</c>.</summary>
internal sealed class NoToolRegistry : IToolRegistry
{
    public static NoToolRegistry Instance { get; } = new();

    public IReadOnlyList<ToolDefinition> Definitions => [];

    public bool Contains(string name) => false;

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ToolResult.Failure($"Unknown tool: {name}"));
}
