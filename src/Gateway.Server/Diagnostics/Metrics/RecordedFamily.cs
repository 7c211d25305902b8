using System.Buffers;
using System.Collections.Concurrent;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>A family of series recorded as things happen: a series is created the first time its label values appear.</summary>
/// <remarks>
/// <see cref="WithLabels"/> is for binding, not for each event: callers keep the series it returns (per route, per
/// outcome, per model) and record on it. Label values come partly from clients (a model id), so a family holds at
/// most <see cref="MaxSeries"/> series; later combinations share one whose every label is <c>other</c>.
/// </remarks>
internal sealed class RecordedFamily<TSeries>(string name, string help, MetricType type, string[] labelNames)
    : MetricFamily(name, help, type, labelNames)
    where TSeries : class, IMetricSeries, new()
{
    public const int MaxSeries = 1000;

    private readonly ConcurrentDictionary<string, TSeries> _byKey = new(StringComparer.Ordinal);

    /// <summary>Series in label-value order, so the exposition is the same whatever order they were created in.</summary>
    private readonly List<(string[] Values, byte[] Labels, TSeries Series)> _series = [];

    public TSeries WithLabels(params ReadOnlySpan<string> labelValues)
    {
        if (labelValues.Length != LabelNames.Length)
        {
            throw new ArgumentException($"{labelValues.Length} label values for {LabelNames.Length} labels.", nameof(labelValues));
        }
        var key = string.Join('\0', labelValues);
        return _byKey.TryGetValue(key, out var series) ? series : Add(key, labelValues.ToArray());
    }

    public override void WriteSamples(ExpositionWriter writer)
    {
        lock (_series)
        {
            foreach (var (_, labels, series) in _series)
            {
                series.Write(writer, Name, labels);
            }
        }
    }

    private TSeries Add(string key, string[] values)
    {
        lock (_series)
        {
            if (_byKey.TryGetValue(key, out var existing))
            {
                return existing;
            }
            if (_series.Count >= MaxSeries)
            {
                values = [.. values.Select(_ => "other")];
                key = string.Join('\0', values);
                if (_byKey.TryGetValue(key, out var overflow))
                {
                    return overflow;
                }
            }
            var series = new TSeries();
            var labels = new ArrayBufferWriter<byte>();
            new ExpositionWriter(labels).WriteLabels(LabelNames, values);
            var at = _series.FindIndex(s => Compare(s.Values, values) > 0);
            _series.Insert(at < 0 ? _series.Count : at, (values, labels.WrittenSpan.ToArray(), series));
            _byKey[key] = series;
            return series;
        }
    }

    private static int Compare(string[] a, string[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var order = string.CompareOrdinal(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }
        return 0;
    }
}
