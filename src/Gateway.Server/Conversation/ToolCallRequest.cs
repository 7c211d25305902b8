using Gateway.Tools;

namespace Gateway.Server.Conversation;

/// <summary>A tool call as the model made it: the provider's own id, the tool's name, and its arguments (a JSON object).</summary>
/// <remarks>
/// When the model's arguments were not a JSON object (truncated, malformed, or another JSON value) or held text no
/// tool can read (RFC 8259 §8.1, §8.2),
/// <see cref="Arguments"/> is <see cref="RawJson.EmptyObject"/> and <see cref="InvalidArguments"/> holds
/// the model's raw text, so the agent loop can answer the call with an error result instead of running
/// it (SPEC §6: malformed arguments become a <c>tool_result</c> error and the loop continues).
/// </remarks>
internal sealed record ToolCallRequest(string Id, string Name, RawJson Arguments)
{
    /// <summary>Why arguments are refused when their text is not valid Unicode.</summary>
    public const string NotText = "are not valid Unicode text";

    /// <summary>The raw argument text when it was refused; null when <see cref="Arguments"/> is the model's own.</summary>
    public string? InvalidArguments { get; init; }

    /// <summary>What is wrong with <see cref="InvalidArguments"/>, as the agent loop tells the model.</summary>
    public string InvalidReason { get; init; } = "are not a JSON object";

    /// <summary>A Messages caller's <c>cache_control</c> on the call's <c>tool_use</c> block, as sent; only an Anthropic upstream reads it.</summary>
    public RawJson? CacheControl { get; init; }
}
