using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using Gateway.Tools;

namespace Gateway.Server.Tests.Properties;

/// <summary>Properties of <see cref="JsonStringEncoder"/> over text of every kind an LLM or a tool may produce (issue 12).</summary>
public class JsonStringEncoderProperties
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JsonStringEncoder.Instance };

    /// <summary>ASCII, controls, the escaped punctuation, Latin-1, U+2000–U+20FF (0xE2-led, as U+2028/9), CJK, emoji beyond the BMP.</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
            (8, Gen.Int[0x20, 0x7E]),
            (3, Gen.Int[0x00, 0x1F]),
            (2, Gen.OneOf<int>('"', '\\', 0x7F, 0x2028, 0x2029)),
            (2, Gen.Int[0xA0, 0x17F]),
            (2, Gen.Int[0x2000, 0x20FF]),
            (3, Gen.Int[0x4E00, 0x9FFF]),
            (2, Gen.Int[0x1F300, 0x1FAFF]),
            (1, Gen.Int[0xE000, 0xFFFD]))
        .Array[0, 40]
        .Select(scalars => string.Concat(scalars.Select(char.ConvertFromUtf32)));

    /// <summary>
    /// Whether from a .NET string or from UTF-8, the output is the JSON string JSON.stringify would write (but for U+2028/9):
    /// it reads back to the same text, holds no raw CR or LF (so it can never end an SSE data line), and non-ASCII is not escaped.
    /// </summary>
    [Fact]
    public void EveryStringIsWrittenAsJsonStringifyWouldAndReadsBack() =>
        Text.Sample(
            text =>
            {
                var expected = Encoding.UTF8.GetBytes(Oracle(text));
                foreach (var written in new[] { Write(json => json.WriteStringValue(text)), Write(json => json.WriteStringValue(Encoding.UTF8.GetBytes(text))) })
                {
                    Assert.Equal(expected, written);
                    Assert.DoesNotContain((byte)'\r', written);
                    Assert.DoesNotContain((byte)'\n', written);
                    var reader = new Utf8JsonReader(written);
                    Assert.True(reader.Read());
                    Assert.Equal(text, reader.GetString());
                }
            },
            iter: 20_000);

    /// <summary>The slow, obvious escaping, one character at a time (RFC 8259 §7).</summary>
    private static string Oracle(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            json.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < 0x20 or 0x2028 or 0x2029 => "\\u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture),
                _ => rune.ToString(),
            });
        }
        return json.Append('"').ToString();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
