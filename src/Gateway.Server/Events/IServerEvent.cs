using System.Text.Json;
using Gateway.Server.Sse;

namespace Gateway.Server.Events;

/// <summary>An event of the stream; implemented by Gateway.Generators for every <see cref="ServerEventAttribute"/> struct.</summary>
internal interface IServerEvent : ISseFrame
{
    /// <summary>The SSE event name and JSON "type", as UTF-8.</summary>
    static abstract ReadOnlySpan<byte> EventType { get; }

    /// <summary>Writes the event's JSON object (one line, no insignificant whitespace).</summary>
    void WriteJson(Utf8JsonWriter writer);
}
