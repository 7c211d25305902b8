using System.Text.Json;

namespace Gateway.Server.Events;

/// <summary>A nested object inside events; implemented by Gateway.Generators for every <see cref="EventPayloadAttribute"/> struct.</summary>
internal interface IEventPayload
{
    void WriteJson(Utf8JsonWriter writer);
}
