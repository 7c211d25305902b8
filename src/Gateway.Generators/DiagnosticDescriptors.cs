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

    public static readonly DiagnosticDescriptor ToolMethodNotCallable = new(
        id: "GW0005",
        title: "Tool method must be static and callable from generated code",
        messageFormat: "Tool method '{0}' must be {1} so that the generated registry can call it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The registry calls each tool directly from a generated class in the same assembly: the method must be static, non-generic, and neither it nor a type containing it may be private, protected or file-local.");

    public static readonly DiagnosticDescriptor UnsupportedToolParameterType = new(
        id: "GW0006",
        title: "Unsupported tool parameter type",
        messageFormat: "Parameter '{0}' of tool method '{1}' has type '{2}', which tools cannot take; use string, int, long, double, bool or their nullable forms, passed by value",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each tool parameter is a JSON Schema property the model fills in and the dispatcher binds without reflection, so only the JSON primitive types are supported.");

    public static readonly DiagnosticDescriptor UnsupportedToolReturnType = new(
        id: "GW0007",
        title: "Unsupported tool return type",
        messageFormat: "Tool method '{0}' returns '{1}'; a tool must return ValueTask<ToolResult>, Task<ToolResult> or ToolResult",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The dispatcher hands the tool's ToolResult to the agent loop (SPEC §6).");

    public static readonly DiagnosticDescriptor DuplicateToolName = new(
        id: "GW0008",
        title: "Duplicate tool name",
        messageFormat: "'{0}' uses the tool name '{1}', which '{2}' already uses",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The model calls a tool by its name, so each name must belong to one method of the assembly.");

    public static readonly DiagnosticDescriptor InvalidToolName = new(
        id: "GW0009",
        title: "Invalid tool name",
        messageFormat: "The tool name '{0}' of '{1}' must be non-empty lowercase snake_case ([a-z][a-z0-9_]*)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Tool names are matched by permission rules and sent to providers, whose function names allow few characters; snake_case is safe everywhere.");

    public static readonly DiagnosticDescriptor ToolParameterNotDescribed = new(
        id: "GW0010",
        title: "Tool parameter lacks [ToolParameter]",
        messageFormat: "Parameter '{0}' of tool method '{1}' must be marked [ToolParameter(\"description\")]",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every parameter other than a leading ToolContext and a trailing CancellationToken is filled in by the model, which needs a description of it in the schema.");

    public static readonly DiagnosticDescriptor InjectedParameterMisplaced = new(
        id: "GW0011",
        title: "ToolContext, IToolProgress or CancellationToken in the wrong position",
        messageFormat: "Parameter '{0}' of tool method '{1}' is a {2}, which must be the {3} parameter",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The dispatcher passes the session's ToolContext as the first argument, the call's IToolProgress right after it and the call's CancellationToken as the last; anywhere else they would be mistaken for parameters the model fills in.");

    public static readonly DiagnosticDescriptor ToolHookNotFound = new(
        id: "GW0012",
        title: "Tool permission hook not found or of the wrong shape",
        messageFormat: "Tool method '{0}' names '{1}' as its {2} hook; '{3}' must declare it as a static, internal or public method: {4}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The registry puts the hook in the tool's descriptor as a delegate, so it must be a static method of the tool's own type with exactly the delegate's parameter and return types (SPEC §6).");
}
