namespace Gateway.Tools;

/// <summary>What the model is told about a tool (SPEC §6): its name, description and the JSON Schema of its parameters.</summary>
/// <param name="Name">The lowercase snake_case name the model calls the tool by.</param>
/// <param name="Description">What the tool does, for the model.</param>
/// <param name="ParametersSchema">A JSON Schema object describing the tool's arguments.</param>
public sealed record ToolDescriptor(string Name, string Description, RawJson ParametersSchema);
