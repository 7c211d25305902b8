namespace Gateway.Tools;

/// <summary>What a tool returns to the agent loop: text for the model and a structured result, or an error.</summary>
/// <param name="Context">Text for the model's history (SPEC §6: the tool message's content when present).</param>
/// <param name="Result">Structured output for the client's tool_result event.</param>
/// <param name="Error">Set when the tool failed; the loop reports it and goes on.</param>
public readonly record struct ToolResult(string? Context, RawJson? Result, string? Error)
{
    public static ToolResult Success(string? context, RawJson? result = null) => new(context, result, null);

    public static ToolResult Failure(string error) => new(null, null, error);

    /// <summary>The tool did not do what was asked and tells the model why in its context, where SPEC §7 puts it (read, patch).</summary>
    public static ToolResult Refused(string reason) => new(reason, null, null);
}
