namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>A gauge moved as things start and end (pending relays): interlocked, no lookup, no allocation.</summary>
internal sealed class Gauge : IMetricSeries
{
    private long _value;

    public void Increment() => Interlocked.Increment(ref _value);

    public void Decrement() => Interlocked.Decrement(ref _value);

    public void Write(ExpositionWriter writer, byte[] name, byte[] labels) => writer.Sample(name, labels, Volatile.Read(ref _value));
}
