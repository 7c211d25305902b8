using System.Diagnostics;
using System.Text;
using Gateway.Server.Diagnostics;

namespace Gateway.Server.Tests.Diagnostics;

/// <summary>W3C Trace Context §3.2: a valid traceparent is continued; anything malformed is ignored, never half-read.</summary>
public sealed class TraceParentTests
{
    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", false)]
    [InlineData("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-what-the-future-adds", true)]
    public void AValidHeaderGivesItsIdsAndSampledFlag(string header, bool sampled)
    {
        Assert.True(TraceParent.TryParse(Encoding.ASCII.GetBytes(header), "k=v", out var context));
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), (context.TraceId.ToHexString(), context.SpanId.ToHexString()));
        Assert.Equal(sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, context.TraceFlags);
        Assert.Equal(("k=v", true), (context.TraceState, context.IsRemote));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")] // short
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")] // version 00 has nothing after the flags
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // version ff is invalid
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")] // upper case
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent id
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // separator
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01")] // not hex
    [InlineData("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")] // a later version's extra field must follow a dash
    public void AMalformedHeaderIsIgnored(string header)
    {
        Assert.False(TraceParent.TryParse(Encoding.ASCII.GetBytes(header), null, out var context));
        Assert.Equal(default, context);
    }
}
