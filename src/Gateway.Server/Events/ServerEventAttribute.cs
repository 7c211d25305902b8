namespace Gateway.Server.Events;

/// <summary>
/// Marks a partial struct as one event of the stream (SPEC §5). Gateway.Generators implements
/// <see cref="IServerEvent"/> for it at compile time: the JSON object starts with
/// <c>"type":"&lt;type&gt;"</c>, then every public instance property in declaration order, named in
/// camelCase; a nullable property that is null is omitted; a <c>RawJson</c> property is written as
/// it is; a property whose type carries <see cref="EventPayloadAttribute"/> is written as a nested object.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, Inherited = false)]
internal sealed class ServerEventAttribute(string type) : Attribute
{
    /// <summary>The SSE event name, equal to the JSON's "type".</summary>
    public string Type { get; } = type;
}
