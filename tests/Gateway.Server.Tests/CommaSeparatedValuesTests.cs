using Gateway.Server.Http;

namespace Gateway.Server.Tests;

public class CommaSeparatedValuesTests
{
    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("gzip, deflate ,br", "gzip", "deflate", "br")]
    [InlineData(" \tchunked\t ", "chunked")]
    [InlineData("keep alive, close", "keep alive", "close")]
    [InlineData(",,a,, ,\t,b,", "a", "b")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(", ,\t,")]
    public void EnumeratesTrimmedElementsSkippingEmptyOnes(string list, params string[] expected) =>
        Assert.Equal(expected, Elements(list));

    private static List<string> Elements(string list)
    {
        var elements = new List<string>();
        foreach (var element in new CommaSeparatedValues(TestSequence.Bytes(list)))
        {
            elements.Add(TestSequence.Text(element));
        }
        return elements;
    }
}
