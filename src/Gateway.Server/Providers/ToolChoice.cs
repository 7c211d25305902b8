namespace Gateway.Server.Providers;

/// <summary>Whether the model may, must or must not call a tool, or must call one named tool.</summary>
/// <param name="FunctionName">The tool the model must call, for <see cref="ToolChoiceMode.Function"/>.</param>
internal readonly record struct ToolChoice(ToolChoiceMode Mode, string? FunctionName = null)
{
    public static ToolChoice Named(string name) => new(ToolChoiceMode.Function, name);
}
