using System.Buffers;
using System.Text.Json;
using Gateway.Tools;

namespace Gateway.Server.Events;

/// <summary>One reusable <see cref="Utf8JsonWriter"/> per thread for the generated event serializers.</summary>
/// <remarks>
/// Strings are escaped as <see cref="JsonStringEncoder"/> does, so one can never end the data line. Validation is
/// skipped: the generated code writes well-formed objects.
/// </remarks>
internal static class EventJsonWriter
{
    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JsonStringEncoder.Instance,
        Indented = false,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? s_writer;

    /// <summary>The thread's writer, reset onto <paramref name="output"/>. Flush it before the next frame bytes are written.</summary>
    public static Utf8JsonWriter Rent(IBufferWriter<byte> output)
    {
        var writer = s_writer ??= new Utf8JsonWriter(output, s_options);
        writer.Reset(output);
        return writer;
    }
}
