using Gateway.Tools;

namespace Gateway.Server.Conversation;

/// <summary>A tool call as the model made it: the provider's own id, the tool's name, and its arguments (a JSON object).</summary>
internal sealed record ToolCallRequest(string Id, string Name, RawJson Arguments);
