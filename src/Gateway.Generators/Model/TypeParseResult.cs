using Gateway.Generators.Helpers;

namespace Gateway.Generators.Model;

/// <summary>What the parser found for one marked struct: the model to emit, the name to check and the problems.</summary>
/// <remarks>
/// Immutable and compared by value. Output stages select one part each, so a diagnostic's location
/// changing never re-emits source and a model change never re-reports.
/// </remarks>
/// <param name="Spec">Null when nothing can be emitted (the struct is not partial).</param>
/// <param name="EventName">Null for a payload.</param>
internal sealed record TypeParseResult(TypeSpec? Spec, EventNameUsage? EventName, EquatableArray<DiagnosticInfo> Diagnostics);
