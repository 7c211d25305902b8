namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>One duration histogram series with its labels bound, over <see cref="DurationBuckets"/>.</summary>
/// <remarks>
/// Each bucket counts only its own observations, and the sum is kept in ticks: an observation is two interlocked adds
/// and nothing else. The scrape makes the buckets cumulative and takes the count from the last, so <c>_count</c> always
/// equals the <c>+Inf</c> bucket even while observations race the scrape.
/// </remarks>
internal sealed class Histogram : IMetricSeries
{
    private readonly long[] _counts = new long[DurationBuckets.Ticks.Length + 1];
    private long _sumTicks;

    public void Observe(TimeSpan elapsed)
    {
        var ticks = Math.Max(elapsed.Ticks, 0);
        var bounds = DurationBuckets.Ticks;
        var bucket = 0;
        while (bucket < bounds.Length && ticks > bounds[bucket])
        {
            bucket++;
        }
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumTicks, ticks);
    }

    public void Write(ExpositionWriter writer, byte[] name, byte[] labels)
    {
        var cumulative = 0L;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            writer.Bucket(name, labels, DurationBuckets.LabelValues[i], cumulative);
        }
        writer.Sample(name, "_sum"u8, labels, (double)Volatile.Read(ref _sumTicks) / TimeSpan.TicksPerSecond);
        writer.Sample(name, "_count"u8, labels, cumulative);
    }
}
