using CsCheck;
using Gateway.Server.Http;

namespace Gateway.Server.Tests.Properties;

/// <summary>Properties of the request parser and the body decoding behind it, over generated requests (issue 11).</summary>
public class HttpParserProperties
{
    [Fact]
    public void AnySplitOfAValidRequestParsesAsTheWholeDoes() =>
        RequestGen.Valid
            .SelectMany(request => Segments.CutPoints(request.Wire.Length), (request, points) => (request, points))
            .Sample(
                (request, points) =>
                {
                    var lines = ReadEveryWay(request, points).Split('\n');
                    Assert.Equal(request.HeaderCount + 3, lines.Length);
                    Assert.Equal("complete, 0 bytes left", lines[^2]);
                    Assert.Equal($"body: {Convert.ToHexString(request.Body)}", lines[^1]);
                },
                iter: 30_000);

    /// <summary>
    /// Mutated requests end as a request, a need for more bytes or a <see cref="BadHttpRequestException"/>,
    /// never another exception; and however they arrive, the same one.
    /// </summary>
    [Fact]
    public void AMutatedRequestEndsTheSameWayWhateverItsArrivalAndNeverInAnotherException() =>
        RequestGen.Mutated
            .SelectMany(request => Segments.CutPoints(request.Wire.Length), (request, points) => (request, points))
            .Sample((request, points) => ReadEveryWay(request, points), iter: 40_000);

    /// <summary>Reads the request whole, then cut at the points as one buffer and as arrivals; asserts the three agree and returns what they read.</summary>
    private static string ReadEveryWay(GeneratedRequest request, int[] points)
    {
        var whole = RequestReader.Read([request.Wire], arriveTogether: true, request.Framing, request.Body.Length);
        var pieces = Segments.Cut(request.Wire, points);
        Assert.Equal(whole, RequestReader.Read(pieces, arriveTogether: true, request.Framing, request.Body.Length));
        Assert.Equal(whole, RequestReader.Read(pieces, arriveTogether: false, request.Framing, request.Body.Length));
        return whole;
    }
}
