namespace Gateway.Server.Diagnostics;

/// <summary>
/// One line being written: fields are added to the calling thread's <see cref="LogLineBuilder"/> and <see cref="Write"/>
/// queues it. When the level is off every call does nothing, so a caller checks nothing and builds nothing.
/// </summary>
internal readonly ref struct LogLine
{
    private readonly LogQueue? _queue;
    private readonly LogLineBuilder? _builder;

    public LogLine(LogQueue queue, LogLineBuilder builder)
    {
        _queue = queue;
        _builder = builder;
    }

    public bool IsEnabled => _builder is not null;

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<char> value) => _builder?.Add(key, value);

    public void AddUtf8(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _builder?.AddUtf8(key, value);

    public void Add(ReadOnlySpan<byte> key, long value) => _builder?.Add(key, value);

    /// <summary>A duration as milliseconds with three decimals.</summary>
    public void Add(ReadOnlySpan<byte> key, TimeSpan value) => _builder?.Add(key, value);

    public void Write(Exception? exception = null)
    {
        if (_builder is not null)
        {
            _queue!.Enqueue(_builder.End(exception));
        }
    }
}
