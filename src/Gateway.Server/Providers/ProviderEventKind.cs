namespace Gateway.Server.Providers;

internal enum ProviderEventKind : byte
{
    /// <summary>A piece of the answer's text.</summary>
    TextDelta,

    /// <summary>A piece of reasoning ("thinking").</summary>
    ReasoningDelta,

    /// <summary>A whole reasoning item the API wants back in the next turn's history.</summary>
    ReasoningItem,

    /// <summary>A tool call begins: its index in the turn, id and name; its arguments follow as <see cref="ToolArguments"/>.</summary>
    /// <remarks>Only for callers that pass calls on as they stream (the OpenAI front door); <see cref="ToolCall"/> still follows.</remarks>
    ToolCallStart,

    /// <summary>A piece of a started call's argument text, exactly as the model wrote it.</summary>
    ToolArguments,

    /// <summary>A complete tool call, arguments assembled.</summary>
    ToolCall,

    /// <summary>Why the turn ended; once, after the content and tool calls, when the provider said.</summary>
    Finish,

    /// <summary>The call's token counts; once, after the content.</summary>
    Usage,

    /// <summary>The upstream failed; the turn ends after this event.</summary>
    Error,
}
