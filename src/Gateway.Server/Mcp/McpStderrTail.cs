using Gateway.Server.Diagnostics;

namespace Gateway.Server.Mcp;

/// <summary>Reads a stdio server's stderr to its end (a full pipe would block it): each line to the debug log, the last few kept for lastError.</summary>
internal sealed class McpStderrTail
{
    private const int Lines = 20;
    private const int LineLength = 500;

    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();

    /// <summary>Reads <paramref name="stderr"/> until EOF; completes then, or when the read fails (the pipe was closed).</summary>
    public McpStderrTail(StreamReader stderr, string server, GatewayLog log) => Reading = ReadAsync(stderr, server, log);

    public Task Reading { get; }

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    private async Task ReadAsync(StreamReader stderr, string server, GatewayLog log)
    {
        try
        {
            while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                log.Debug($"mcp server {server} stderr: {line}");
                lock (_gate)
                {
                    if (_tail.Count == Lines)
                    {
                        _tail.Dequeue();
                    }
                    _tail.Enqueue(line.Length > LineLength ? line[..LineLength] : line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was disposed while a line was being read: nothing more to keep.
        }
    }
}
