using System.Buffers;
using System.Text;
using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Tests.Diagnostics;

/// <summary>The text exposition format 0.0.4, byte for byte: escaping, counters, histograms, series read at scrape, the series cap.</summary>
public class MetricsRegistryTests
{
    [Fact]
    public void LabelValuesEscapeBackslashQuoteAndLineFeedAndHelpEscapesBackslashAndLineFeed()
    {
        var registry = new MetricsRegistry();
        var family = registry.Counters("test_total", "Help with a \\ backslash,\na line feed and a \" quote.", "value");
        family.WithLabels("a\\b\"c\nd é").Add(3);

        Assert.Equal(
            "# HELP test_total Help with a \\\\ backslash,\\na line feed and a \" quote.\n" +
            "# TYPE test_total counter\n" +
            "test_total{value=\"a\\\\b\\\"c\\nd é\"} 3\n",
            Exposition(registry));
    }

    [Fact]
    public void SeriesAreWrittenInLabelOrderWhateverOrderTheyWereCreatedIn()
    {
        var registry = new MetricsRegistry();
        var family = registry.Counters("requests_total", "Requests.", "route", "status");
        family.WithLabels("/b", "200").Increment();
        family.WithLabels("/a", "404").Increment();
        family.WithLabels("/a", "200").Add(2);
        Assert.Same(family.WithLabels("/b", "200"), family.WithLabels("/b", "200"));

        Assert.Equal(
            """
            # HELP requests_total Requests.
            # TYPE requests_total counter
            requests_total{route="/a",status="200"} 2
            requests_total{route="/a",status="404"} 1
            requests_total{route="/b",status="200"} 1

            """,
            Exposition(registry));
    }

    [Fact]
    public void AHistogramWritesCumulativeBucketsUpToInfThenItsSumAndCount()
    {
        var registry = new MetricsRegistry();
        var histogram = registry.Histograms("wait_seconds", "Waits.", "kind").WithLabels("x");
        histogram.Observe(TimeSpan.FromMilliseconds(5)); // On a bound: in its bucket (le is "less than or equal").
        histogram.Observe(TimeSpan.FromMilliseconds(200));
        histogram.Observe(TimeSpan.FromMinutes(10));

        var expected = new StringBuilder("# HELP wait_seconds Waits.\n# TYPE wait_seconds histogram\n");
        long[] cumulative = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3];
        string[] bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "300", "+Inf"];
        for (var i = 0; i < bounds.Length; i++)
        {
            expected.Append($"wait_seconds_bucket{{kind=\"x\",le=\"{bounds[i]}\"}} {cumulative[i]}\n");
        }
        expected.Append("wait_seconds_sum{kind=\"x\"} 600.205\nwait_seconds_count{kind=\"x\"} 3\n");
        Assert.Equal(expected.ToString(), Exposition(registry));
    }

    [Fact]
    public void SeriesReadAtScrapeAreReadEachTime()
    {
        var registry = new MetricsRegistry();
        var dropped = 0L;
        registry.CounterReadAtScrape("lines_dropped_total", "Dropped lines.", () => dropped);
        registry.ReadAtScrape("pool", "Pool.", MetricType.Gauge, ["state"], samples =>
        {
            samples.Add(1.5, "idle");
            samples.Add(double.PositiveInfinity, "busy");
        });
        dropped = 7;

        Assert.Equal(
            """
            # HELP lines_dropped_total Dropped lines.
            # TYPE lines_dropped_total counter
            lines_dropped_total 7
            # HELP pool Pool.
            # TYPE pool gauge
            pool{state="idle"} 1.5
            pool{state="busy"} +Inf

            """,
            Exposition(registry));
    }

    [Fact]
    public void PastTheSeriesCapNewLabelValuesShareOneOtherSeries()
    {
        var registry = new MetricsRegistry();
        var family = registry.Counters("models_total", "Models.", "model");
        for (var i = 0; i < RecordedFamily<Counter>.MaxSeries; i++)
        {
            family.WithLabels($"m{i}").Increment();
        }
        family.WithLabels("one more").Increment();
        family.WithLabels("and another").Increment();

        var lines = Exposition(registry).Split('\n');
        Assert.Contains("models_total{model=\"other\"} 2", lines);
        Assert.Equal(RecordedFamily<Counter>.MaxSeries + 1, lines.Count(l => l.StartsWith("models_total{", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("9starts_with_a_digit")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void AnInvalidNameIsRefused(string name) =>
        Assert.Throws<ArgumentException>(() => new MetricsRegistry().Counters(name, "Help."));

    [Fact]
    public void ANameIsRegisteredOnce()
    {
        var registry = new MetricsRegistry();
        registry.Counters("twice_total", "Help.");
        Assert.Throws<InvalidOperationException>(() => registry.GaugeReadAtScrape("twice_total", "Help.", () => 0));
    }

    private static string Exposition(MetricsRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
