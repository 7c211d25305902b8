using System.Buffers;
using System.Text.Json;

namespace Gateway.Server.Events;

/// <summary>An event of the stream; implemented by Gateway.Generators for every <see cref="ServerEventAttribute"/> struct.</summary>
internal interface IServerEvent
{
    /// <summary>The SSE event name and JSON "type", as UTF-8.</summary>
    static abstract ReadOnlySpan<byte> EventType { get; }

    /// <summary>Writes the event's JSON object (one line, no insignificant whitespace).</summary>
    void WriteJson(Utf8JsonWriter writer);

    /// <summary>Writes the whole SSE frame: <c>event: type\n</c>, <c>data: json\n</c>, <c>\n</c> (WHATWG HTML §9.2.5).</summary>
    void WriteSseFrame(IBufferWriter<byte> output);
}
