namespace Gateway.Server.Providers;

internal enum ProviderEventKind : byte
{
    /// <summary>A piece of the answer's text.</summary>
    TextDelta,

    /// <summary>A piece of reasoning ("thinking").</summary>
    ReasoningDelta,

    /// <summary>A complete tool call, arguments assembled.</summary>
    ToolCall,

    /// <summary>Why the turn ended; once, after the content and tool calls, when the provider said.</summary>
    Finish,

    /// <summary>The call's token counts; once, after the content.</summary>
    Usage,

    /// <summary>The upstream failed; the turn ends after this event.</summary>
    Error,
}
