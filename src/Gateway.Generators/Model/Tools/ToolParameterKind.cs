namespace Gateway.Generators.Model.Tools;

/// <summary>The C# type of a tool parameter, and so its JSON Schema type and how the dispatcher reads it.</summary>
internal enum ToolParameterKind
{
    /// <summary><c>string</c>: JSON <c>"string"</c>.</summary>
    String,

    /// <summary><c>int</c>: JSON <c>"integer"</c>, a whole number in the Int32 range.</summary>
    Int32,

    /// <summary><c>long</c>: JSON <c>"integer"</c>, a whole number in the Int64 range.</summary>
    Int64,

    /// <summary><c>double</c>: JSON <c>"number"</c>.</summary>
    Double,

    /// <summary><c>bool</c>: JSON <c>"boolean"</c>.</summary>
    Boolean,
}
