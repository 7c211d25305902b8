using System.Text;
using Gateway.Server.Endpoints.WebPage;

namespace Gateway.Server.Tests.Endpoints.WebPage;

public sealed class ContentCodingNegotiationTests
{
    [Theory]
    [InlineData("", nameof(ContentCoding.Identity))]
    [InlineData("br", nameof(ContentCoding.Brotli))]
    [InlineData("gzip", nameof(ContentCoding.Gzip))]
    [InlineData("x-gzip", nameof(ContentCoding.Gzip))]
    [InlineData("deflate, zstd", nameof(ContentCoding.Identity))]
    [InlineData("gzip, br", nameof(ContentCoding.Brotli))]
    [InlineData("gzip;q=0.9, br;q=0.8", nameof(ContentCoding.Gzip))]
    [InlineData("gzip;q=0.5 , br ; q=0.5", nameof(ContentCoding.Brotli))]
    [InlineData("*", nameof(ContentCoding.Brotli))]
    [InlineData("*;q=0.3, br;q=0.2", nameof(ContentCoding.Gzip))]
    [InlineData("*;q=0", nameof(ContentCoding.Identity))]
    [InlineData("identity;q=1, gzip;q=0.999", nameof(ContentCoding.Identity))]
    [InlineData("identity;q=0, br;q=0, gzip;q=0", nameof(ContentCoding.Identity))]
    [InlineData("br;q=1.000, gzip", nameof(ContentCoding.Brotli))]
    [InlineData("br;q=0., gzip;q=0.001", nameof(ContentCoding.Gzip))]
    [InlineData("br;q=1.001, gzip;q=0.1", nameof(ContentCoding.Gzip))]
    [InlineData("br;q=0.1234, gzip;q=0.1", nameof(ContentCoding.Gzip))]
    [InlineData("br;q=.5, gzip;q=0.1", nameof(ContentCoding.Gzip))]
    [InlineData("br;level=1, gzip;q=0.1", nameof(ContentCoding.Gzip))]
    [InlineData("BR;Q=0.5", nameof(ContentCoding.Brotli))]
    public void ChoosesByQValueAsRfc9110Says(string acceptEncoding, string expected) =>
        Assert.Equal(expected, ContentCodingNegotiation.Choose(Encoding.ASCII.GetBytes(acceptEncoding)).ToString());
}
