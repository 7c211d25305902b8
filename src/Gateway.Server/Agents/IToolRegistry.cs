using System.Text.Json;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>The tools the agent loop can call (the built-in registry, or a test's own tools).</summary>
internal interface IToolRegistry
{
    /// <summary>What is offered to the model, in a stable order.</summary>
    IReadOnlyList<ToolDefinition> Definitions { get; }

    bool Contains(string name);

    /// <summary>
    /// Runs a tool. Bad arguments and tool failures come back as <see cref="ToolResult.Error"/>;
    /// only cancellation may throw.
    /// </summary>
    ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken);

    /// <summary>As above, with <paramref name="progress"/> receiving the live output of tools that report it (SPEC §5 <c>tool_progress</c>).</summary>
    ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, IToolProgress progress, CancellationToken cancellationToken) =>
        InvokeAsync(name, arguments, context, cancellationToken);

    /// <summary>The JSON object permission rules are matched against (SPEC §6); by default the arguments themselves.</summary>
    RawJson PermissionView(string name, JsonElement arguments, ToolContext context) => RawJson.FromElement(arguments);

    /// <summary>The rule an "always" approval adds for this call (SPEC §6); tools may narrow the generic derivation.</summary>
    PermissionRule DeriveAlwaysRule(string name, JsonElement arguments, ToolContext context) => PermissionRule.DeriveAlways(name, arguments);
}
