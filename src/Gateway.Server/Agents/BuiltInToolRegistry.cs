using System.Text.Json;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>The built-in tools (SPEC §7) as the agent loop sees them, narrowed by ENABLED_TOOLS.</summary>
/// <remarks>
/// Gateway.Generators builds <see cref="GeneratedToolRegistry"/> from the <c>[Tool]</c> methods of
/// Gateway.Tools at compile time: descriptors, schemas and the argument binder. This adapter only
/// filters it and routes the permission hooks of <see cref="ToolPermissions"/>.
/// </remarks>
internal sealed class BuiltInToolRegistry : IToolRegistry
{
    private readonly HashSet<string> _enabled;

    /// <param name="enabled">Tool names to offer (ENABLED_TOOLS).</param>
    public BuiltInToolRegistry(IReadOnlySet<string> enabled)
    {
        var descriptors = GeneratedToolRegistry.Descriptors.Where(d => enabled.Contains(d.Name)).ToList();
        _enabled = [.. descriptors.Select(d => d.Name)];
        Definitions = [.. descriptors.Select(d => new ToolDefinition(d.Name, d.Description, d.ParametersSchema))];
    }

    public IReadOnlyList<ToolDefinition> Definitions { get; }

    public bool Contains(string name) => _enabled.Contains(name);

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken) =>
        _enabled.Contains(name)
            ? GeneratedToolRegistry.InvokeAsync(name, arguments, context, cancellationToken)
            : ValueTask.FromResult(ToolResult.Failure($"Unknown tool: {name}"));

    public RawJson PermissionView(string name, JsonElement arguments, ToolContext context) => ToolPermissions.View(name, arguments, context);

    public PermissionRule DeriveAlwaysRule(string name, JsonElement arguments, ToolContext context) =>
        ToolPermissions.DeriveAlways(name, arguments, context) is { } parameters
            ? new PermissionRule(name, parameters)
            : PermissionRule.DeriveAlways(name, arguments);
}
