using Gateway.Generators.Helpers;

namespace Gateway.Generators.Model.Tools;

/// <summary>Where one tool name is declared; all of them are collected to find duplicates (GW0008).</summary>
/// <remarks>Immutable and compared by value. Kept apart from <see cref="ToolSpec"/> because it carries a location.</remarks>
/// <param name="MethodName">The method as diagnostics show it (<c>Type.Method</c>).</param>
/// <param name="Location">The attribute argument that names the tool.</param>
internal sealed record ToolNameUsage(string ToolName, string MethodName, LocationInfo? Location);
