namespace Gateway.Server.Events;

/// <summary>Marks a partial struct that appears as a nested object inside events (e.g. totalUsage).</summary>
[AttributeUsage(AttributeTargets.Struct, Inherited = false)]
internal sealed class EventPayloadAttribute : Attribute;
