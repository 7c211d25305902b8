namespace Gateway.Server.Diagnostics;

internal enum LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
    None,
}

/// <summary>Line-oriented logging to standard error, filtered by level before anything is formatted.</summary>
/// <remarks>
/// Lines are formatted on the caller's thread into a reused buffer and written by one writer task (<see cref="LogQueue"/>):
/// a slow standard error drops lines, counted in <see cref="DroppedLines"/>, and never holds up a request.
/// </remarks>
internal sealed class GatewayLog : IAsyncDisposable
{
    /// <summary>What may wait for the writer: about two thousand access lines.</summary>
    public const int DefaultQueueBytes = 256 * 1024;

    private static readonly TimeSpan s_drainBound = TimeSpan.FromSeconds(2);

    private readonly LogLevel _minimumLevel;
    private readonly LogFormat _format;
    private readonly LogQueue? _queue;

    public GatewayLog(LogLevel minimumLevel, TextWriter output, LogFormat format = LogFormat.Text, int queueBytes = DefaultQueueBytes)
    {
        _minimumLevel = minimumLevel;
        _format = format;
        _queue = minimumLevel == LogLevel.None ? null : new LogQueue(output, queueBytes);
    }

    public static GatewayLog Silent { get; } = new(LogLevel.None, TextWriter.Null);

    /// <summary>Lines dropped because the writer was behind by the whole queue.</summary>
    public long DroppedLines => _queue?.DroppedLines ?? 0;

    public bool IsEnabled(LogLevel level) => level >= _minimumLevel;

    /// <summary>A line to add fields to and write; one that does nothing when <paramref name="level"/> is off.</summary>
    public LogLine Line(LogLevel level, string message) =>
        IsEnabled(level) ? new LogLine(_queue!, LogLineBuilder.Start(_format, level, message)) : default;

    public void Debug(string message) => Line(LogLevel.Debug, message).Write();

    public void Info(string message) => Line(LogLevel.Info, message).Write();

    public void Warning(string message, Exception? exception = null) => Line(LogLevel.Warning, message).Write(exception);

    public void Error(string message, Exception? exception = null) => Line(LogLevel.Error, message).Write(exception);

    /// <summary>Completes once every line logged before the call has been written.</summary>
    public Task DrainAsync() => _queue?.DrainAsync() ?? Task.CompletedTask;

    /// <summary>Writes what is queued (within a bound) and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_queue is not null)
        {
            await _queue.CompleteAsync(s_drainBound).ConfigureAwait(false);
        }
    }
}
