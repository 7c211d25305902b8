using Gateway.Generators.Helpers;

namespace Gateway.Generators.Model.Tools;

/// <summary>The one <c>GeneratedToolRegistry</c> of a compilation.</summary>
/// <remarks>
/// Immutable and compared by value. <see cref="Tools"/> is sorted by name and holds each name once, so
/// the same set of tools always gives the same model, whatever order the files are in.
/// </remarks>
/// <param name="Namespace">The registry's namespace (the project's RootNamespace), or null for the global namespace.</param>
/// <param name="HintName">The generated file's name, <c>&lt;Namespace&gt;.GeneratedToolRegistry.g.cs</c>.</param>
internal sealed record ToolRegistrySpec(string? Namespace, string HintName, EquatableArray<ToolSpec> Tools);
