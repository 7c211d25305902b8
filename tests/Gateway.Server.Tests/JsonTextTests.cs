using System.Text;
using Gateway.Server.Conversation;

namespace Gateway.Server.Tests;

/// <summary>The lone-surrogate scan also runs on model output before it is parsed, so any text must end it without a throw.</summary>
public sealed class JsonTextTests
{
    [Theory]
    [InlineData("""\ud800""", 0)]
    [InlineData("""ab\\\udfff""", 4)]
    [InlineData("""\ud83d\ude00 \ud83d""", 13)]
    [InlineData("""\ud83d\ud83d\ude00""", 0)]
    [InlineData("""\\ud800""", -1)]
    [InlineData("""\ud83d\ude00""", -1)]
    [InlineData("""\""", -1)]
    [InlineData("""x\u""", -1)]
    [InlineData("""\ud8""", -1)]
    [InlineData("""\uzz00\ud800""", 6)]
    [InlineData("""\ud83d\""", 0)]
    public void FindsTheFirstLoneSurrogateEscapeInAnyText(string text, int expected) =>
        Assert.Equal(expected, JsonText.LoneSurrogateEscape(Encoding.UTF8.GetBytes(text)));
}
