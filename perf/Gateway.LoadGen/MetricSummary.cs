using HdrHistogram;

namespace Gateway.LoadGen;

/// <summary>Percentiles of one metric of one step, in milliseconds.</summary>
public sealed record MetricSummary(string Name, long Count, double Mean, double P50, double P90, double P99, double P999, double Max)
{
    /// <summary>Summarises a histogram of microseconds.</summary>
    public static MetricSummary From(string name, HistogramBase micros) => new(
        name,
        micros.TotalCount,
        micros.GetMean() / 1000,
        micros.GetValueAtPercentile(50) / 1000.0,
        micros.GetValueAtPercentile(90) / 1000.0,
        micros.GetValueAtPercentile(99) / 1000.0,
        micros.GetValueAtPercentile(99.9) / 1000.0,
        micros.GetMaxValue() / 1000.0);
}
