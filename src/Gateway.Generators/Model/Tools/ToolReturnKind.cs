namespace Gateway.Generators.Model.Tools;

/// <summary>How a tool method hands back its <c>ToolResult</c>.</summary>
internal enum ToolReturnKind
{
    /// <summary><c>ValueTask&lt;ToolResult&gt;</c>.</summary>
    ValueTask,

    /// <summary><c>Task&lt;ToolResult&gt;</c>.</summary>
    Task,

    /// <summary><c>ToolResult</c>, returned synchronously.</summary>
    Synchronous,
}
