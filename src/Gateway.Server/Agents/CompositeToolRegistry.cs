using System.Text.Json;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>Several registries as one, in order (the built-in tools, then the MCP servers'): each name goes to the first that has it.</summary>
/// <remarks>A part's list may change between turns (MCP servers come and go): the joined list is rebuilt when a part's list is another.</remarks>
internal sealed class CompositeToolRegistry(params IReadOnlyList<IToolRegistry> parts) : IToolRegistry
{
    private volatile Joined _joined = new([], []);

    public IReadOnlyList<ToolDefinition> Definitions
    {
        get
        {
            var joined = _joined;
            if (!joined.IsOf(parts))
            {
                IReadOnlyList<ToolDefinition>[] lists = [.. parts.Select(p => p.Definitions)];
                _joined = joined = new Joined(lists, [.. lists.SelectMany(list => list)]);
            }
            return joined.Definitions;
        }
    }

    public bool Contains(string name) => Owner(name) is not null;

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken) =>
        InvokeAsync(name, arguments, context, ToolProgress.None, cancellationToken);

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, IToolProgress progress, CancellationToken cancellationToken) =>
        Owner(name) is { } owner
            ? owner.InvokeAsync(name, arguments, context, progress, cancellationToken)
            : ValueTask.FromResult(ToolResult.Failure($"Unknown tool: {name}"));

    public RawJson PermissionView(string name, JsonElement arguments, ToolContext context) =>
        Owner(name) is { } owner ? owner.PermissionView(name, arguments, context) : RawJson.FromElement(arguments);

    public PermissionRule DeriveAlwaysRule(string name, JsonElement arguments, ToolContext context) =>
        Owner(name) is { } owner ? owner.DeriveAlwaysRule(name, arguments, context) : PermissionRule.DeriveAlways(name, arguments);

    private IToolRegistry? Owner(string name) => parts.FirstOrDefault(p => p.Contains(name));

    /// <summary>The parts' lists the joined one was made from, compared by reference.</summary>
    private sealed record Joined(IReadOnlyList<ToolDefinition>[] Parts, IReadOnlyList<ToolDefinition> Definitions)
    {
        public bool IsOf(IReadOnlyList<IToolRegistry> registries)
        {
            if (Parts.Length != registries.Count)
            {
                return false;
            }
            for (var i = 0; i < Parts.Length; i++)
            {
                if (!ReferenceEquals(Parts[i], registries[i].Definitions))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
