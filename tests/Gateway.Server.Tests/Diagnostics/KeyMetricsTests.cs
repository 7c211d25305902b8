using System.Buffers;
using System.Text;
using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Tests.Diagnostics;

/// <summary>Each key's series are named by the key's name, and however many names reloads bring, the series stay bounded.</summary>
public sealed class KeyMetricsTests
{
    [Fact]
    public void NamesPastTheBoundShareOneOtherSeries()
    {
        var registry = new MetricsRegistry();
        var metrics = new KeyMetrics(registry);

        for (var i = 0; i < KeyMetrics.MaxKeys + 50; i++)
        {
            var series = metrics.For($"team-{i:D3}");
            series.Requests.Increment();
            series.Refused(KeyRefusal.Tokens);
            series.InputTokens.Add(2);
        }

        var output = new ArrayBufferWriter<byte>();
        registry.WriteTo(output);
        var lines = Encoding.UTF8.GetString(output.WrittenSpan).Split('\n');
        Assert.Equal(KeyMetrics.MaxKeys + 1, lines.Count(l => l.StartsWith("gateway_key_requests_total{", StringComparison.Ordinal)));
        Assert.Contains("gateway_key_requests_total{key=\"other\"} 50", lines);
        Assert.Contains("gateway_key_refusals_total{key=\"other\",reason=\"tokens\"} 50", lines);
        Assert.Contains("gateway_key_tokens_total{key=\"other\",kind=\"input\"} 100", lines);
        Assert.Contains("gateway_key_requests_total{key=\"team-000\"} 1", lines);
    }
}
