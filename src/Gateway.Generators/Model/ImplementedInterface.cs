namespace Gateway.Generators.Model;

/// <summary>Which interface the generated part implements.</summary>
internal enum ImplementedInterface
{
    /// <summary><c>IServerEvent</c>: a <c>[ServerEvent("type")]</c> struct, a whole SSE frame.</summary>
    ServerEvent,

    /// <summary><c>IEventPayload</c>: an <c>[EventPayload]</c> struct, a nested object inside events.</summary>
    EventPayload,
}
