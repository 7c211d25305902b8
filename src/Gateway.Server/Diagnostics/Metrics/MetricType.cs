namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The metric types of the Prometheus text format 0.0.4 that Gateway exposes (its <c># TYPE</c> line).</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
