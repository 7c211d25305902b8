using System.Text;
using Gateway.Server.Providers.Local;

namespace Gateway.IntegrationTests.Local;

/// <summary>The two pieces between sampled tokens and text deltas: UTF-8 reassembly and stop strings.</summary>
public sealed class TextStreamingTests
{
    [Fact]
    public void AMultiByteCharacterSplitOverTokensComesOutWholeOnce()
    {
        var decoder = new TokenTextDecoder();
        var bytes = Encoding.UTF8.GetBytes("é🦙!");

        var pieces = bytes.Select(b => decoder.Append([b])).ToList();

        Assert.Equal(["", "é", "", "", "", "🦙", "!"], pieces);
        Assert.Equal("", decoder.Flush());
    }

    [Fact]
    public void AnIncompleteCharacterAtTheEndBecomesOneReplacementCharacter()
    {
        var decoder = new TokenTextDecoder();

        Assert.Equal("a", decoder.Append([(byte)'a', 0xE2, 0x82]));
        Assert.Equal("\uFFFD", decoder.Flush());
    }

    [Fact]
    public void AStopStringSplitOverPiecesIsCutAndNothingAfterItIsSent()
    {
        var matcher = new StopStringMatcher(["<|im_end|>"]);

        Assert.Equal("Hello", matcher.Push("Hello<|im"));
        Assert.Equal("", matcher.Push("_en"));
        Assert.Equal("", matcher.Push("d|>more"));
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Push("ignored"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void HeldTextThatTurnsOutNotToBeAStopIsReleased()
    {
        var matcher = new StopStringMatcher(["<|im_end|>", "</s>"]);

        Assert.Equal("a", matcher.Push("a<"));
        Assert.Equal("<b", matcher.Push("b"));
        Assert.Equal("", matcher.Push("</"));
        Assert.False(matcher.Stopped);
        Assert.Equal("</", matcher.Flush());
    }

    [Fact]
    public void TheEarliestOfSeveralStopStringsWins()
    {
        var matcher = new StopStringMatcher(["END", "</s>"]);

        Assert.Equal("x", matcher.Push("x</s>yEND"));
        Assert.True(matcher.Stopped);
    }

    [Fact]
    public void WithoutStopStringsTextPassesStraightThrough()
    {
        var matcher = new StopStringMatcher([]);

        Assert.Equal("<|im", matcher.Push("<|im"));
        Assert.Equal("", matcher.Flush());
    }
}
