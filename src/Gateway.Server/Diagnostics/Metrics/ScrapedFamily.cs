namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>A family whose samples are read when the scrape comes (process figures, pools, queues), not recorded as things happen.</summary>
internal sealed class ScrapedFamily(string name, string help, MetricType type, string[] labelNames, Action<ScrapedSamples> read)
    : MetricFamily(name, help, type, labelNames)
{
    public override void WriteSamples(ExpositionWriter writer) => read(new ScrapedSamples(writer, this));
}

/// <summary>What a <see cref="ScrapedFamily"/>'s reader writes its samples into.</summary>
internal readonly struct ScrapedSamples(ExpositionWriter writer, MetricFamily family)
{
    /// <param name="labelValues">One per label name of the family, in its order.</param>
    public void Add(double value, params ReadOnlySpan<string> labelValues)
    {
        if (labelValues.Length != family.LabelNames.Length)
        {
            throw new ArgumentException($"{labelValues.Length} label values for {family.LabelNames.Length} labels.", nameof(labelValues));
        }
        writer.Sample(family.Name, family.LabelNames, labelValues, value);
    }
}
