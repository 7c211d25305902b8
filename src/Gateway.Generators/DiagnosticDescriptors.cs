using Microsoft.CodeAnalysis;

namespace Gateway.Generators;

/// <summary>Every diagnostic Gateway.Generators reports. Ids are stable: never reuse or renumber one.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Gateway.Generators";

    public static readonly DiagnosticDescriptor TypeMustBePartial = new(
        id: "GW0001",
        title: "Event type must be partial",
        messageFormat: "'{0}' must be declared partial so that Gateway.Generators can implement {1} for '{2}'",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds the interface implementation as another part of the struct, and of every type that contains it.");

    public static readonly DiagnosticDescriptor UnsupportedPropertyType = new(
        id: "GW0002",
        title: "Unsupported event property type",
        messageFormat: "Property '{0}' of '{1}' has type '{2}', which events cannot write; use string, int, long, double, bool, their nullable forms, RawJson or an [EventPayload] struct",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every public instance property of an event or payload is written to the JSON, so each must have a type the generator knows how to write without reflection.");

    public static readonly DiagnosticDescriptor DuplicateEventTypeName = new(
        id: "GW0003",
        title: "Duplicate event type name",
        messageFormat: "'{0}' uses the event type name '{1}', which '{2}' already uses",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Clients dispatch on the SSE event name and the JSON \"type\" (SPEC §5), so each must belong to one event.");

    public static readonly DiagnosticDescriptor InvalidEventTypeName = new(
        id: "GW0004",
        title: "Invalid event type name",
        messageFormat: "The event type name '{0}' of '{1}' must be non-empty lowercase snake_case ([a-z][a-z0-9_]*)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The name is written raw into the SSE 'event:' line and the JSON \"type\", so it is kept to characters that need no escaping.");
}
