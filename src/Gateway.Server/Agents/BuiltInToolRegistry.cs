using System.Text.Json;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>The built-in tools (SPEC §7) as the agent loop sees them, narrowed by ENABLED_TOOLS.</summary>
/// <remarks>
/// Gateway.Generators builds <see cref="GeneratedToolRegistry"/> from the <c>[Tool]</c> methods of
/// Gateway.Tools at compile time: descriptors, schemas, permission hooks and the argument binder. This
/// adapter only filters it and falls back to the generic SPEC §6 rules where a tool declares no hook.
/// </remarks>
internal sealed class BuiltInToolRegistry : IToolRegistry
{
    private readonly Dictionary<string, ToolDescriptor> _enabled;

    /// <param name="enabled">Tool names to offer (ENABLED_TOOLS).</param>
    public BuiltInToolRegistry(IReadOnlySet<string> enabled)
    {
        var descriptors = GeneratedToolRegistry.Descriptors.Where(d => enabled.Contains(d.Name)).ToList();
        _enabled = descriptors.ToDictionary(d => d.Name, StringComparer.Ordinal);
        Definitions = [.. descriptors.Select(d => new ToolDefinition(d.Name, d.Description, d.ParametersSchema))];
    }

    public IReadOnlyList<ToolDefinition> Definitions { get; }

    public bool Contains(string name) => _enabled.ContainsKey(name);

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken) =>
        InvokeAsync(name, arguments, context, ToolProgress.None, cancellationToken);

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, IToolProgress progress, CancellationToken cancellationToken) =>
        _enabled.ContainsKey(name)
            ? GeneratedToolRegistry.InvokeAsync(name, arguments, context, progress, cancellationToken)
            : ValueTask.FromResult(ToolResult.Failure($"Unknown tool: {name}"));

    public RawJson PermissionView(string name, JsonElement arguments, ToolContext context) =>
        _enabled.GetValueOrDefault(name)?.PermissionView is { } view ? view(arguments, context) : RawJson.FromElement(arguments);

    public PermissionRule DeriveAlwaysRule(string name, JsonElement arguments, ToolContext context) =>
        _enabled.GetValueOrDefault(name)?.AlwaysRule?.Invoke(arguments, context) is { } parameters
            ? new PermissionRule(name, parameters)
            : PermissionRule.DeriveAlways(name, arguments);
}
