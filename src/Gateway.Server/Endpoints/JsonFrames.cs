using System.Buffers;
using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary>The one JSON writer a stream writer keeps for all its frames, pointed at the buffer of each (no writer per frame).</summary>
internal static class JsonFrames
{
    public static Utf8JsonWriter Writer(ref Utf8JsonWriter? writer, IBufferWriter<byte> output)
    {
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, JsonStringEncoder.WriterOptions);
        }
        else
        {
            writer.Reset(output);
        }
        return writer;
    }
}
