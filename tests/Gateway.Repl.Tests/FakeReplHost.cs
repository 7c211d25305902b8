namespace Gateway.Repl.Tests;

/// <summary>An <see cref="IReplHost"/> whose calls the test scripts; it records every progress chunk.</summary>
internal sealed class FakeReplHost : IReplHost
{
    private readonly Lock _lock = new();
    private readonly List<(string Chunk, ReplStream Stream)> _progress = [];

    public Func<string, string?, CancellationToken, Task<string>> LlmQuery { get; set; } =
        (prompt, context, _) => Task.FromResult($"answer to {prompt} with {context ?? "no context"}");

    public Func<string, double?, CancellationToken, Task<ReplExecResult>> Exec { get; set; } =
        (command, timeout, _) => Task.FromResult(new ReplExecResult($"ran {command}", $"timeout {timeout?.ToString() ?? "none"}", 3));

    /// <summary>Set on each progress call; tests wait on it to know the script is running.</summary>
    public SemaphoreSlim Printed { get; } = new(0);

    /// <summary>The name of the thread the last progress call came from.</summary>
    public string? ProgressThread { get; private set; }

    public IReadOnlyList<(string Chunk, ReplStream Stream)> Progress
    {
        get
        {
            lock (_lock)
            {
                return [.. _progress];
            }
        }
    }

    public Task<string> LlmQueryAsync(string prompt, string? context, CancellationToken token) => LlmQuery(prompt, context, token);

    public Task<ReplExecResult> ExecAsync(string command, double? timeoutSeconds, CancellationToken token) =>
        Exec(command, timeoutSeconds, token);

    void IReplHost.Progress(string chunk, ReplStream stream)
    {
        lock (_lock)
        {
            _progress.Add((chunk, stream));
        }
        ProgressThread = Thread.CurrentThread.Name;
        Printed.Release();
    }
}
