namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>One counter series with its labels bound: recording is one interlocked add, with no lookup and no allocation.</summary>
internal sealed class Counter : IMetricSeries
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);

    public void Write(ExpositionWriter writer, byte[] name, byte[] labels) => writer.Sample(name, labels, Value);
}
