using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Server.Events;

namespace Gateway.Benchmarks;

/// <summary>Writes <see cref="Utf8Text"/> as a JSON string, as the generated code does; System.Text.Json has no notion of it.</summary>
internal sealed class EventSerializationUtf8TextConverter : JsonConverter<Utf8Text>
{
    public override Utf8Text Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(Encoding.UTF8.GetBytes(reader.GetString()!));

    public override void Write(Utf8JsonWriter writer, Utf8Text value, JsonSerializerOptions options) => writer.WriteStringValue(value.AsSpan());
}
