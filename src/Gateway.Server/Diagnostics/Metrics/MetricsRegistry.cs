using System.Buffers;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>Every metric family of one gateway, in the order they were registered, and their exposition.</summary>
/// <remarks>
/// Our own rather than prometheus-net 8.2.1, which is AOT-clean and records without allocating, but pulls in
/// Microsoft.Extensions.Http (NU1603 here), allocates about 18 KB per scrape and writes only to a Stream: ours writes
/// the text format straight into the response's pooled buffer.
/// </remarks>
internal sealed class MetricsRegistry
{
    private readonly List<MetricFamily> _families = [];

    public RecordedFamily<Counter> Counters(string name, string help, params string[] labelNames) =>
        Register(new RecordedFamily<Counter>(name, help, MetricType.Counter, labelNames));

    public Gauge Gauge(string name, string help) =>
        Register(new RecordedFamily<Gauge>(name, help, MetricType.Gauge, [])).WithLabels();

    public RecordedFamily<Histogram> Histograms(string name, string help, params string[] labelNames) =>
        Register(new RecordedFamily<Histogram>(name, help, MetricType.Histogram, labelNames));

    /// <summary>A family whose samples <paramref name="read"/> writes at each scrape.</summary>
    public void ReadAtScrape(string name, string help, MetricType type, string[] labelNames, Action<ScrapedSamples> read) =>
        Register(new ScrapedFamily(name, help, type, labelNames, read));

    /// <summary>A counter kept elsewhere (e.g. dropped log lines), read at each scrape; <paramref name="name"/> ends in <c>_total</c>.</summary>
    public void CounterReadAtScrape(string name, string help, Func<double> read) =>
        ReadAtScrape(name, help, MetricType.Counter, [], samples => samples.Add(read()));

    /// <summary>A gauge kept elsewhere (a pool's size, a queue's depth), read at each scrape.</summary>
    public void GaugeReadAtScrape(string name, string help, Func<double> read) =>
        ReadAtScrape(name, help, MetricType.Gauge, [], samples => samples.Add(read()));

    public void WriteTo(IBufferWriter<byte> output)
    {
        var writer = new ExpositionWriter(output);
        lock (_families)
        {
            foreach (var family in _families)
            {
                writer.Header(family);
                family.WriteSamples(writer);
            }
        }
    }

    private T Register<T>(T family) where T : MetricFamily
    {
        lock (_families)
        {
            if (_families.Exists(f => f.Name.AsSpan().SequenceEqual(family.Name)))
            {
                throw new InvalidOperationException($"The metric {System.Text.Encoding.ASCII.GetString(family.Name)} is registered twice.");
            }
            _families.Add(family);
        }
        return family;
    }
}
