using Gateway.Generators.Helpers;

namespace Gateway.Generators.Model.Tools;

/// <summary>Everything the emitter needs to describe one <c>[Tool]</c> method and dispatch a call to it.</summary>
/// <remarks>
/// Immutable and compared by value (strings, enums, flags and <see cref="EquatableArray{T}"/>). It holds no
/// location, so an edit that only moves the method leaves the collected registry equal and nothing is re-emitted.
/// </remarks>
/// <param name="Name">The snake_case name the model calls the tool by.</param>
/// <param name="ContainingType">The declaring type, fully qualified with <c>global::</c>.</param>
/// <param name="MethodName">The method's name, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="TakesContext">The method's first parameter is a <c>ToolContext</c>, passed through.</param>
/// <param name="TakesProgress">The method takes an <c>IToolProgress</c> right after any <c>ToolContext</c>, passed through.</param>
/// <param name="TakesCancellationToken">The method's last parameter is a <c>CancellationToken</c>, passed through.</param>
/// <param name="Parameters">The parameters bound from JSON, in declaration order.</param>
/// <param name="PermissionView">The declaring type's method that is the tool's <c>ToolPermissionView</c>, escaped; null when it has none.</param>
/// <param name="AlwaysRule">The declaring type's method that is the tool's <c>ToolAlwaysRule</c>, escaped; null when it has none.</param>
internal sealed record ToolSpec(
    string Name,
    string Description,
    string ContainingType,
    string MethodName,
    ToolReturnKind ReturnKind,
    bool TakesContext,
    bool TakesProgress,
    bool TakesCancellationToken,
    EquatableArray<ToolParameterSpec> Parameters,
    string? PermissionView,
    string? AlwaysRule);
