using System.Text;
using Gateway.Server.Endpoints.WebPage;

namespace Gateway.Server.Tests.Endpoints.WebPage;

public sealed class EntityTagListTests
{
    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"abc\"", true)]
    [InlineData("*", true)]
    [InlineData("\"x\", \"abc\"", true)]
    [InlineData("\"a,b\", \"abc\"", true)]
    [InlineData("\"x\",W/\"abc\"", true)]
    [InlineData("", false)]
    [InlineData("\"abcd\"", false)]
    [InlineData("abc", false)]
    [InlineData("\"abc", false)]
    [InlineData("\"ab\"c\"", false)]
    public void MatchesAsIfNoneMatchComparesWeakly(string list, bool expected) =>
        Assert.Equal(expected, EntityTagList.Matches(Encoding.ASCII.GetBytes(list), "\"abc\""u8));
}
