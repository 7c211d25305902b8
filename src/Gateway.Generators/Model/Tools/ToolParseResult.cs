using Gateway.Generators.Helpers;

namespace Gateway.Generators.Model.Tools;

/// <summary>What the parser found for one <c>[Tool]</c> method: the model to emit, the name to check and the problems.</summary>
/// <remarks>
/// Immutable and compared by value. Output stages select one part each, so a diagnostic's location
/// changing never re-emits the registry and a model change never re-reports.
/// </remarks>
/// <param name="Spec">Null when the method has an error: it is left out of the registry, so the user sees the GW error and no follow-on compiler errors.</param>
internal sealed record ToolParseResult(ToolSpec? Spec, ToolNameUsage Name, EquatableArray<DiagnosticInfo> Diagnostics);
