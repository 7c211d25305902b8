namespace Gateway.Generators.Model.Tools;

/// <summary>One parameter the model passes to a tool: a JSON Schema property and a typed argument of the method.</summary>
/// <remarks>
/// Immutable value; equal when every field is equal. The default is kept as the two texts the emitter
/// writes, never as the boxed constant, so equality stays structural.
/// </remarks>
/// <param name="Name">The C# parameter name without <c>@</c>; also the JSON property name.</param>
/// <param name="IsNullable"><c>string?</c> or <c>Nullable&lt;T&gt;</c>: null is a valid argument, and without a default the parameter is optional.</param>
/// <param name="IsRequired">No C# default and not nullable: the arguments must contain it.</param>
/// <param name="DefaultLiteral">The C# expression the argument starts as when optional (<c>2000</c>, <c>"x"</c>, <c>null</c>); null when required.</param>
/// <param name="DefaultJson">The schema's <c>"default"</c> as JSON text; null when there is none to advertise (no default, or null).</param>
/// <param name="Minimum">The declared inclusive lower bound, or null; only finite values are kept.</param>
/// <param name="Maximum">The declared inclusive upper bound, or null; only finite values are kept.</param>
internal sealed record ToolParameterSpec(
    string Name,
    ToolParameterKind Kind,
    bool IsNullable,
    string Description,
    bool IsRequired,
    string? DefaultLiteral,
    string? DefaultJson,
    double? Minimum,
    double? Maximum);
