using Gateway.Tools;

namespace Gateway.Server.Conversation;

/// <summary>A tool call as the model made it: the provider's own id, the tool's name, and its arguments (a JSON object).</summary>
/// <remarks>
/// When the model's arguments were not a JSON object (truncated, malformed, or another JSON value),
/// <see cref="Arguments"/> is <see cref="RawJson.EmptyObject"/> and <see cref="InvalidArguments"/> holds
/// the model's raw text, so the agent loop can answer the call with an error result instead of running
/// it (SPEC §6: malformed arguments become a <c>tool_result</c> error and the loop continues).
/// </remarks>
internal sealed record ToolCallRequest(string Id, string Name, RawJson Arguments)
{
    /// <summary>The raw argument text when it was not a JSON object; null when <see cref="Arguments"/> is the model's own.</summary>
    public string? InvalidArguments { get; init; }
}
