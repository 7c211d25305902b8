using Gateway.Server.Http;
using Gateway.Server.Primitives;

namespace Gateway.Server.Tests;

public class HttpCharactersTests
{
    [Theory]
    [InlineData("")]
    [InlineData("/plain/path")]
    [InlineData("%41")]
    [InlineData("a%2Fb")]
    [InlineData("%aF%Bc")]
    [InlineData("%41%42%43")]
    [InlineData("/caf%C3%A9?q=%20")]
    public void HasValidPercentEncodingAcceptsCompleteTriplets(string value) =>
        Assert.True(HttpCharacters.HasValidPercentEncoding(TestSequence.Bytes(value)));

    [Theory]
    [InlineData("%")]
    [InlineData("a%")]
    [InlineData("%4")]
    [InlineData("a%4")]
    [InlineData("%G1")]
    [InlineData("%1G")]
    [InlineData("%%41")]
    [InlineData("%41%")]
    [InlineData("%41%4")]
    [InlineData("%41%x1")]
    [InlineData("% 41")]
    public void HasValidPercentEncodingRejectsBrokenTriplets(string value) =>
        Assert.False(HttpCharacters.HasValidPercentEncoding(TestSequence.Bytes(value)));

    [Theory]
    [InlineData("GET", true)]
    [InlineData("X-Request-Id", true)]
    [InlineData("!#$%&'*+-.^_`|~", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a:b", false)]
    [InlineData("a(b)", false)]
    [InlineData("\"a\"", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("a\u007f", false)]
    public void IsTokenAcceptsOnlyNonEmptyTchars(string value, bool expected) =>
        Assert.Equal(expected, HttpCharacters.IsToken(TestSequence.Bytes(value)));

    [Theory]
    [InlineData(" \t a b \t ", "a b")]
    [InlineData("value", "value")]
    [InlineData("\t", "")]
    [InlineData("   ", "")]
    [InlineData("", "")]
    [InlineData("\u00a0x\u00a0", "\u00a0x\u00a0")]
    public void TrimWhitespaceTrimsOnlySpacesAndTabs(string value, string expected) =>
        Assert.Equal(expected, TestSequence.Text(HttpCharacters.TrimWhitespace(TestSequence.Bytes(value))));

    [Fact]
    public void HexValueDecodesEveryHexDigitInEitherCase()
    {
        const string Digits = "0123456789abcdef";
        for (var value = 0; value < 16; value++)
        {
            Assert.True(HexDigits.Is((byte)Digits[value]));
            Assert.True(HexDigits.Is((byte)char.ToUpperInvariant(Digits[value])));
            Assert.Equal(value, HexDigits.ValueOf((byte)Digits[value]));
            Assert.Equal(value, HexDigits.ValueOf((byte)char.ToUpperInvariant(Digits[value])));
        }
    }

    [Theory]
    [InlineData('g')]
    [InlineData('G')]
    [InlineData('/')]
    [InlineData(':')]
    [InlineData('@')]
    [InlineData('`')]
    [InlineData(' ')]
    public void IsHexDigitRejectsNeighboursOfTheHexRanges(char c) => Assert.False(HexDigits.Is((byte)c));

    [Fact]
    public void InvalidFieldValueIsExactlyTheControlsOtherThanTab()
    {
        for (var b = 0; b < 256; b++)
        {
            var isControl = (b < 0x20 && b != '\t') || b == 0x7F;
            Assert.True(isControl == HttpCharacters.InvalidFieldValue.Contains((byte)b), $"byte 0x{b:X2}");
        }
    }

    [Fact]
    public void TokenIsExactlyTheTcharsOfRfc9110()
    {
        const string Tchars = "!#$%&'*+-.^_`|~";
        for (var b = 0; b < 256; b++)
        {
            var isTchar = char.IsAsciiLetterOrDigit((char)b) || Tchars.Contains((char)b, StringComparison.Ordinal);
            Assert.True(isTchar == HttpCharacters.Token.Contains((byte)b), $"byte 0x{b:X2}");
        }
    }

    [Theory]
    [InlineData('/', true, true)]
    [InlineData('%', true, true)]
    [InlineData(':', true, true)]
    [InlineData('@', true, true)]
    [InlineData('~', true, true)]
    [InlineData('?', false, true)]
    [InlineData('#', false, false)]
    [InlineData(' ', false, false)]
    [InlineData('"', false, false)]
    [InlineData('\\', false, false)]
    public void PathAndQueryCharactersFollowRfc3986(char c, bool inPath, bool inQuery)
    {
        Assert.Equal(inPath, HttpCharacters.PathChar.Contains((byte)c));
        Assert.Equal(inQuery, HttpCharacters.QueryChar.Contains((byte)c));
    }
}
