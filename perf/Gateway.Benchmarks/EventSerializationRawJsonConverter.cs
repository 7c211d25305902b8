using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Tools;

namespace Gateway.Benchmarks;

/// <summary>Writes <see cref="RawJson"/> as it is, as the generated code does, so the baseline does the same work.</summary>
internal sealed class EventSerializationRawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return RawJson.FromElement(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) => value.WriteTo(writer);
}
