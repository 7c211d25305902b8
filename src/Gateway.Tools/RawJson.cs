using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Tools;

/// <summary>A JSON value kept as minified UTF-8: tool arguments, tool results, schemas, event payloads.</summary>
/// <remarks>
/// Invariant: <see cref="Utf8"/> always holds exactly one valid JSON value with no insignificant
/// whitespace, so it can be written into a one-line SSE <c>data:</c> field or another JSON document
/// as it is. Only the factories here create one.
/// </remarks>
public readonly struct RawJson : IEquatable<RawJson>
{
    private RawJson(ReadOnlyMemory<byte> utf8) => Utf8 = utf8;

    /// <summary><c>{}</c>.</summary>
    public static RawJson EmptyObject { get; } = new("{}"u8.ToArray());

    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>Validates and minifies; throws <see cref="JsonException"/> when the input is not one JSON value.</summary>
    public static RawJson Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using var document = JsonDocument.ParseValue(ref reader);
        if (reader.BytesConsumed != utf8Json.Length && !IsWhitespace(utf8Json[(int)reader.BytesConsumed..]))
        {
            throw new JsonException("Unexpected data after the JSON value.");
        }
        return FromElement(document.RootElement);
    }

    public static RawJson Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    public static RawJson FromElement(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            element.WriteTo(writer);
        }
        return new RawJson(buffer.WrittenMemory);
    }

    /// <summary>A JSON string holding <paramref name="value"/>.</summary>
    public static RawJson FromString(string value)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length + 2);
        using (var writer = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            writer.WriteStringValue(value);
        }
        return new RawJson(buffer.WrittenMemory);
    }

    /// <summary>Writes the value as it is into a JSON document being written.</summary>
    public void WriteTo(Utf8JsonWriter writer) => writer.WriteRawValue(Utf8.Span, skipInputValidation: true);

    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);

    public bool Equals(RawJson other) => Utf8.Span.SequenceEqual(other.Utf8.Span);

    public override bool Equals(object? obj) => obj is RawJson other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8.Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(RawJson left, RawJson right) => left.Equals(right);

    public static bool operator !=(RawJson left, RawJson right) => !left.Equals(right);

    private static bool IsWhitespace(ReadOnlySpan<byte> rest) => !rest.ContainsAnyExcept(" \t\r\n"u8);
}
