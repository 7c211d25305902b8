using System.Text.Json;

namespace Gateway.Tools;

/// <summary>The params of the rule an "always" approval of one call adds; null leaves the generic SPEC §6 derivation to the server.</summary>
/// <remarks>Globs are matched against the tool's <see cref="ToolPermissionView"/>, so a rule may name a property only the view has.</remarks>
public delegate IReadOnlyList<KeyValuePair<string, string>>? ToolAlwaysRule(JsonElement arguments, ToolContext context);
