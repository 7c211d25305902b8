using Gateway.Server.Conversation;

namespace Gateway.Server.Providers;

/// <summary>One thing a model turn produced, in the order it arrived.</summary>
internal readonly record struct ProviderEvent(ProviderEventKind Kind, string? Text = null, ToolCallRequest? ToolCall = null, TokenUsage Usage = default)
{
    public static ProviderEvent TextDelta(string text) => new(ProviderEventKind.TextDelta, Text: text);

    public static ProviderEvent ReasoningDelta(string text) => new(ProviderEventKind.ReasoningDelta, Text: text);

    public static ProviderEvent ToolCalled(ToolCallRequest call) => new(ProviderEventKind.ToolCall, ToolCall: call);

    public static ProviderEvent UsageReported(TokenUsage usage) => new(ProviderEventKind.Usage, Usage: usage);

    /// <param name="message">What went wrong, for the client's error event (status and a body excerpt for HTTP failures).</param>
    public static ProviderEvent Failed(string message) => new(ProviderEventKind.Error, Text: message);
}
