namespace Gateway.Server.Mcp;

/// <summary>One entry of MCP_SERVERS_FILE: a stdio server (<see cref="Stdio"/>) or a Streamable HTTP one (<see cref="Http"/>).</summary>
/// <param name="Transport"><c>stdio</c> or <c>http</c>, as the entry's keys say (<c>url</c> makes it HTTP).</param>
/// <param name="Scope"><c>shared</c> (one process for every session) or <c>session</c> (one per /chat session).</param>
internal sealed record McpServerConfig(string Name, string Transport, string Scope)
{
    public const string Shared = "shared";
    public const string PerSession = "session";

    public McpStdioCommand? Stdio { get; init; }

    public McpHttpEndpoint? Http { get; init; }

    /// <summary><c>"disabled": true</c>: listed, never started.</summary>
    public bool Disabled { get; init; }

    /// <summary>Why the entry cannot be used (with its JSON path); the other servers still run.</summary>
    public string? Invalid { get; init; }
}

/// <summary>How a stdio server is started: <see cref="Command"/> and <see cref="Args"/> as given, no shell.</summary>
/// <param name="Env">Variables the server gets beside the allowlist bash gets (the config owns the server's secrets).</param>
/// <param name="Cwd">Where it starts; null: the workspace.</param>
/// <param name="Network">In the sandbox, whether it reaches the host's network (default: no, like BASH_NETWORK).</param>
internal sealed record McpStdioCommand(
    string Command, IReadOnlyList<string> Args, IReadOnlyList<KeyValuePair<string, string>> Env, string? Cwd, bool Network)
{
    /// <summary>Stands for the workspace the server runs for in <see cref="Args"/>, <see cref="Env"/>'s values and <see cref="Cwd"/>.</summary>
    public const string WorkspaceToken = "${WORKSPACE}";

    /// <summary>This command run for <paramref name="workspace"/>: WORKSPACE_ROOT, or a per-session instance's session directory.</summary>
    public McpStdioCommand For(string workspace)
    {
        string Expand(string value) => value.Replace(WorkspaceToken, workspace, StringComparison.Ordinal);
        return this with
        {
            Args = [.. Args.Select(Expand)],
            Env = [.. Env.Select(e => KeyValuePair.Create(e.Key, Expand(e.Value)))],
            Cwd = Cwd is null ? null : Expand(Cwd),
        };
    }
}

/// <summary>Where a Streamable HTTP server answers, and the headers every request to it carries (e.g. Authorization).</summary>
internal sealed record McpHttpEndpoint(Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers);
