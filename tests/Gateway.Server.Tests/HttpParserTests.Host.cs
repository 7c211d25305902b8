using System.Text;
using Gateway.Server.Http;

namespace Gateway.Server.Tests;

/// <summary>Host values by the grammar of RFC 9112 §3.2 and RFC 3986 §3.2.2–3.2.3: uri-host [ ":" port ].</summary>
public partial class HttpParserTests
{
    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:4000")]
    [InlineData("localhost:")]
    [InlineData(":80")]
    [InlineData("my_host.example.")]
    [InlineData("ex%41mple")]
    [InlineData("a!$&'()*+,;=b")]
    [InlineData("127.0.0.1:80")]
    [InlineData("[::1]")]
    [InlineData("[::1]:8080")]
    [InlineData("[2001:DB8::a:1]")]
    [InlineData("[::ffff:192.0.2.1]")]
    [InlineData("[v1.fe:x]")]
    [InlineData("[VF.a+b]")]
    public void ValidHostIsAccepted(string host) => Assert.True(HttpParser.IsValidHost(Encoding.Latin1.GetBytes(host)));

    [Theory]
    [InlineData("localhost:abc")]
    [InlineData("localhost:8o")]
    [InlineData("x:80:80")]
    [InlineData("::1")]
    [InlineData("2001:db8::1")]
    [InlineData("[::1")]
    [InlineData("[")]
    [InlineData("[]")]
    [InlineData("[::1]x")]
    [InlineData("[::1]:x")]
    [InlineData("[1::2::3]")]
    [InlineData("[127.0.0.1]")]
    [InlineData("[fe80::1%25eth0]")]
    [InlineData("[v.x]")]
    [InlineData("[v1.]")]
    [InlineData("[vg.x]")]
    [InlineData("a]b")]
    [InlineData("a[b")]
    [InlineData("u@x")]
    [InlineData("x/y")]
    [InlineData("a b")]
    [InlineData("x%zz")]
    [InlineData("x%4")]
    [InlineData("h\u00e9")]
    public void InvalidHostIsRefused(string host) => Assert.False(HttpParser.IsValidHost(Encoding.Latin1.GetBytes(host)));
}
