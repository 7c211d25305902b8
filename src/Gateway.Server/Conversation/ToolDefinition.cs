using Gateway.Tools;

namespace Gateway.Server.Conversation;

/// <summary>A tool offered to the model: its name, what it does, and the JSON Schema of its parameters.</summary>
internal sealed record ToolDefinition(string Name, string Description, RawJson ParametersSchema);
