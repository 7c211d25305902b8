namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>A recorded series (a counter or a histogram) that writes its own samples at scrape time.</summary>
internal interface IMetricSeries
{
    /// <param name="labels">The series' label pairs, escaped once when it was created (<see cref="ExpositionWriter.WriteLabels"/>).</param>
    void Write(ExpositionWriter writer, byte[] name, byte[] labels);
}
