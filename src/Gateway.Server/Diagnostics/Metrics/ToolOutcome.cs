namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>How a tool call ended, as <c>gateway_tool_calls_total</c> counts it.</summary>
internal enum ToolOutcome
{
    /// <summary>The tool ran and gave a result.</summary>
    Success,

    /// <summary>The tool ran and failed (or threw).</summary>
    Error,

    /// <summary>Not run: an unknown tool, invalid arguments, or permission denied.</summary>
    Refused,
}
