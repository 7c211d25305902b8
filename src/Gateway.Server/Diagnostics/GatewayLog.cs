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
/// <remarks>Nothing on the request path logs at Info or below by default; callers check <see cref="IsEnabled"/> first where the message costs something to build.</remarks>
internal sealed class GatewayLog(LogLevel minimumLevel, TextWriter output)
{
    private readonly Lock _gate = new();

    public static GatewayLog Silent { get; } = new(LogLevel.None, TextWriter.Null);

    public bool IsEnabled(LogLevel level) => level >= minimumLevel;

    public void Debug(string message) => Write(LogLevel.Debug, message, null);

    public void Info(string message) => Write(LogLevel.Info, message, null);

    public void Warning(string message, Exception? exception = null) => Write(LogLevel.Warning, message, exception);

    public void Error(string message, Exception? exception = null) => Write(LogLevel.Error, message, exception);

    private void Write(LogLevel level, string message, Exception? exception)
    {
        if (!IsEnabled(level))
        {
            return;
        }
        var line = $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {Label(level)} {message}";
        lock (_gate)
        {
            output.WriteLine(line);
            if (exception is not null)
            {
                output.WriteLine(exception.ToString());
            }
            output.Flush();
        }
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info ",
        LogLevel.Warning => "warn ",
        _ => "error",
    };
}
