namespace Gateway.Server.Providers;

internal enum ToolChoiceMode : byte
{
    /// <summary>The provider's default: the model decides (the request leaves the choice out).</summary>
    Auto,

    /// <summary>No tool calls.</summary>
    None,

    /// <summary>At least one tool call.</summary>
    Required,

    /// <summary>A call of <see cref="ToolChoice.FunctionName"/>.</summary>
    Function,
}
