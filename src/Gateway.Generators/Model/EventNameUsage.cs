using Gateway.Generators.Helpers;

namespace Gateway.Generators.Model;

/// <summary>Where one event type name is declared; all of them are collected to find duplicates (GW0003).</summary>
/// <remarks>Immutable and compared by value. Kept apart from <see cref="TypeSpec"/> because it carries a location.</remarks>
/// <param name="TypeName">The struct's name as diagnostics show it.</param>
/// <param name="Location">The attribute argument that names the event.</param>
internal sealed record EventNameUsage(string EventName, string TypeName, LocationInfo? Location);
