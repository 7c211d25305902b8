using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Tools.Tests;

/// <summary><see cref="JsonStringEncoder"/> through <see cref="Utf8JsonWriter"/>, as every writer of Gateway uses it (issue 12).</summary>
public class JsonStringEncoderTests
{
    private static readonly JsonWriterOptions Options = JsonStringEncoder.WriterOptions;

    [Theory]
    [InlineData("plain ASCII </script> & 'x' + / ~", "plain ASCII </script> & 'x' + / ~")]
    [InlineData("café 日本語 😀 — “quoted” …", "café 日本語 😀 — “quoted” …")]
    [InlineData("\"\\\b\f\n\r\t", """\"\\\b\f\n\r\t""")]
    [InlineData("\u0000\u0001\u001f\u007f", """\u0000\u0001\u001f""" + "\u007f")]
    [InlineData("a\u2028b\u2029c", """a\u2028b\u2029c""")]
    public void EscapesOnlyWhatJsonRequiresAndLineSeparators(string text, string escaped)
    {
        var expected = "\"" + escaped + "\"";
        Assert.Equal(expected, WriteUtf16(text));
        Assert.Equal(expected, WriteUtf8(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void PropertyNamesAreEscapedAlike()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("名\n", "値");
            json.WriteEndObject();
        }
        Assert.Equal("""{"名\n":"値"}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>The surrogate is put in by code: a string in an attribute is stored as UTF-8, which cannot hold one.</summary>
    [Theory]
    [InlineData("", 0xD800, "")]
    [InlineData("a\ndc", 0xDC00, "")]
    [InlineData("😀", 0xD83D, "")]
    [InlineData("x", 0xDBFF, "\"y")]
    public void LoneSurrogatesAreRefused(string before, int surrogate, string after) =>
        Assert.Throws<ArgumentException>(() => WriteUtf16(before + (char)surrogate + after));

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { (byte)'a', 0xC3 })]
    [InlineData(new byte[] { (byte)'\n', 0xE2, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x80, (byte)'"' })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void BytesThatAreNotUtf8AreRefused(byte[] utf8) =>
        Assert.Throws<ArgumentException>(() => WriteUtf8(utf8));

    [Fact]
    public void EncodeUtf8AsksForMoreDataWhenTheSourceEndsInsideACharacter()
    {
        var destination = new byte[16];
        var status = JsonStringEncoder.Instance.EncodeUtf8([(byte)'\n', (byte)'a', 0xE6, 0x97], destination, out var consumed, out var written, isFinalBlock: false);
        Assert.Equal(OperationStatus.NeedMoreData, status);
        Assert.Equal(2, consumed);
        Assert.Equal("\\na", Encoding.UTF8.GetString(destination, 0, written));
    }

    [Fact]
    public void EncodeReportsATooSmallDestination()
    {
        var status = JsonStringEncoder.Instance.Encode("ab\n", new char[3], out var consumed, out var written);
        Assert.Equal(OperationStatus.DestinationTooSmall, status);
        Assert.Equal(2, consumed);
        Assert.Equal(2, written);
    }

    /// <summary>Every tool result passes through RawJson, so a tool's own writer with the default encoder does not show.</summary>
    [Fact]
    public void RawJsonRewritesOtherEscapesAsThisEncoderDoes() =>
        Assert.Equal("""{"it's":"é <>&+ \u2028\n"}""", RawJson.Parse("""{"it\u0027s" : "\u00E9 \u003C\u003E\u0026\u002B \u2028\n"}""").ToString());

    [Fact]
    public void TextEncoderApisAgree() =>
        Assert.Equal("""日\n😀\u2028""", JsonStringEncoder.Instance.Encode("日\n😀\u2028"));

    internal static string WriteUtf16(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStringValue(text);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string WriteUtf8(ReadOnlySpan<byte> utf8)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStringValue(utf8);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
