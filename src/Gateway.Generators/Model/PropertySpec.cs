namespace Gateway.Generators.Model;

/// <summary>One JSON member of an event or payload, in declaration (wire) order.</summary>
/// <remarks>Immutable value; equal when every field is equal.</remarks>
/// <param name="Name">The C# property name, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="JsonName">The camelCase wire name.</param>
/// <param name="IsNullable">Omitted from the JSON when null (<c>string?</c> or <c>Nullable&lt;T&gt;</c>).</param>
internal readonly record struct PropertySpec(string Name, string JsonName, PropertyKind Kind, bool IsNullable);
