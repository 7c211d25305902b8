using Gateway.Generators.Helpers;

namespace Gateway.Generators.Model;

/// <summary>Everything the emitter needs to implement <c>IServerEvent</c> or <c>IEventPayload</c> for one struct.</summary>
/// <remarks>
/// Immutable and compared by value (strings, enums and <see cref="EquatableArray{T}"/>), so an unchanged
/// struct compares equal across runs and is not emitted again. It deliberately holds no location:
/// an edit that only moves the struct must not re-emit it.
/// </remarks>
/// <param name="Namespace">The containing namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">Declarations of the enclosing types, outermost first (e.g. <c>partial class Outer</c>).</param>
/// <param name="Declaration">The partial declaration to emit (e.g. <c>readonly partial struct TextEvent</c>).</param>
/// <param name="HintName">The generated file's name, unique per type.</param>
/// <param name="EventName">The SSE event name and JSON "type"; null for a payload.</param>
internal sealed record TypeSpec(
    ImplementedInterface Interface,
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string Declaration,
    string HintName,
    string? EventName,
    EquatableArray<PropertySpec> Properties);
