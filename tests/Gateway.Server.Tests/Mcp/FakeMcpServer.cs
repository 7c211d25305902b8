using System.Text.Json;
using Gateway.Server.Mcp;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Tests.Mcp;

/// <summary>An <see cref="IMcpServer"/> whose tools, status and answers a test sets; it records the calls it gets.</summary>
internal sealed class FakeMcpServer : IMcpServer
{
    private McpServerState _state;

    public FakeMcpServer(string name, params Tool[] tools)
    {
        Name = name;
        _state = new McpServerState(name, "stdio", "shared", McpServerStatus.Ready, [.. tools], Restarts: 0);
    }

    /// <summary>A server in whatever state the test gives (the admin view's figures: pid, errors, backoff).</summary>
    public FakeMcpServer(McpServerState state)
    {
        Name = state.Name;
        _state = state;
    }

    public string Name { get; }

    public McpServerState State => _state;

    public event Action? StateChanged;

    /// <summary>What a call does; by default it answers "ok".</summary>
    public Func<string, IReadOnlyDictionary<string, JsonElement>, IProgress<ProgressNotificationValue>, CancellationToken, Task<CallToolResult>> Answer { get; set; } =
        (_, _, _, _) => Task.FromResult(Text("ok"));

    /// <summary>Each call's tool and arguments as JSON text.</summary>
    public List<(string Tool, string Arguments)> Calls { get; } = [];

    public static Tool Tool(string name, string schema = """{"type":"object","properties":{}}""", string? description = null)
    {
        using var document = JsonDocument.Parse(schema);
        return new Tool { Name = name, Description = description, InputSchema = document.RootElement.Clone() };
    }

    public static CallToolResult Text(string text) => new() { Content = [new TextContentBlock { Text = text }] };

    public void Set(McpServerStatus status, params Tool[] tools)
    {
        _state = _state with { Status = status, Tools = [.. tools] };
        StateChanged?.Invoke();
    }

    public Task<CallToolResult> CallToolAsync(
        string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, CancellationToken token)
    {
        lock (Calls)
        {
            Calls.Add((toolName, "{" + string.Join(",", arguments.Select(a => $"\"{a.Key}\":{a.Value.GetRawText()}")) + "}"));
        }
        return Answer(toolName, arguments, progress, token);
    }
}
