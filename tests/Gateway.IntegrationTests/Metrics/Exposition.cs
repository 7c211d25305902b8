using System.Diagnostics;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>Reads /metrics: one family's lines, one sample's value, a scrape once a condition holds.</summary>
internal static class Exposition
{
    /// <summary>These families' HELP and TYPE lines and samples, as the body has them, one after another.</summary>
    public static string Families(string body, params string[] names)
    {
        var lines = body.Split('\n');
        return string.Concat(names.Select(name =>
        {
            var start = Array.FindIndex(lines, l => l.StartsWith($"# HELP {name} ", StringComparison.Ordinal));
            Assert.True(start >= 0, $"No family {name} in:\n{body}");
            var end = start + 2;
            while (end < lines.Length && lines[end].Length > 0 && !lines[end].StartsWith('#'))
            {
                end++;
            }
            return string.Join('\n', lines[start..end]) + "\n";
        }));
    }

    /// <summary>A duration histogram's lines for a series whose observations all took no time (the test's clock stands still).</summary>
    public static string InstantHistogram(string name, string labels, int count)
    {
        string[] bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "300", "+Inf"];
        return string.Concat(bounds.Select(le => $"{name}_bucket{{{labels},le=\"{le}\"}} {count}\n"))
            + $"{name}_sum{{{labels}}} 0\n{name}_count{{{labels}}} {count}\n";
    }

    /// <summary>The value of the sample written exactly as <paramref name="series"/> (name and labels); fails when there is none.</summary>
    public static double Value(string body, string series)
    {
        var line = body.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"No sample {series} in:\n{body}");
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Scrapes <paramref name="host"/> until <paramref name="done"/> holds for the body (at most <see cref="AgentScript.Patience"/>), and returns that body.</summary>
    public static async Task<string> ScrapeUntilAsync(GatewayHost host, Func<string, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var body = (await host.GetAsync("/metrics")).Body;
            if (done(body))
            {
                return body;
            }
            Assert.True(clock.Elapsed < AgentScript.Patience, $"Not within {AgentScript.Patience.TotalSeconds} s: {what}. Last scrape:\n{body}");
            await Task.Delay(10);
        }
    }
}
