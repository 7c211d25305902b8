using Gateway.Tools;

namespace Gateway.Server.Conversation;

/// <summary>A tool offered to the model: its name, what it does, and the JSON Schema of its parameters.</summary>
internal sealed record ToolDefinition(string Name, string Description, RawJson ParametersSchema)
{
    /// <summary>A Messages caller's <c>cache_control</c> on this tool, as sent; only an Anthropic upstream reads it.</summary>
    public RawJson? CacheControl { get; init; }
}
