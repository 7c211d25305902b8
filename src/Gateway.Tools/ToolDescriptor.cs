namespace Gateway.Tools;

/// <summary>A tool as the registry knows it (SPEC §6): what the model is told, and how permission rules see its calls.</summary>
/// <param name="Name">The lowercase snake_case name the model calls the tool by.</param>
/// <param name="Description">What the tool does, for the model.</param>
/// <param name="ParametersSchema">A JSON Schema object describing the tool's arguments.</param>
/// <param name="PermissionView">What rules are matched against; null: the arguments themselves.</param>
/// <param name="AlwaysRule">The rule an "always" approval adds; null: the generic derivation.</param>
public sealed record ToolDescriptor(
    string Name,
    string Description,
    RawJson ParametersSchema,
    ToolPermissionView? PermissionView = null,
    ToolAlwaysRule? AlwaysRule = null);
