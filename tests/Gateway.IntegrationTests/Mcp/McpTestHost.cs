using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Mcp;
using Gateway.Server.Providers;
using Gateway.Tools.Tests.BuiltIn;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>
/// The gateway with the MCP servers of a servers file written for the test and a scripted model; it reads the servers'
/// states from GET /mcp/servers, and on dispose checks that no process of theirs is left.
/// </summary>
internal sealed class McpTestHost : IAsyncDisposable
{
    /// <summary>A node server's start, initialize and tools/list on a busy two-core machine take well under this.</summary>
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory;
    private readonly HashSet<int> _pids = [];

    private McpTestHost(DirectoryInfo directory, ChatTestHost chat)
    {
        _directory = directory;
        Chat = chat;
    }

    public ChatTestHost Chat { get; }

    /// <summary>A directory of the test's own, removed on dispose: the servers file, the probe's log, a server's files.</summary>
    public string Directory => _directory.FullName;

    /// <summary>Where the probe server (<see cref="Probe"/>) writes what it saw, one line per event.</summary>
    public string ProbeLog => Path.Combine(Directory, "probe.log");

    /// <summary>server-everything over stdio, named <c>everything</c>.</summary>
    public static string Everything => Stdio("everything", McpFixtures.Node, [McpFixtures.ServerEverything, "stdio"]);

    /// <summary>tests/mcp-servers/probe.mjs, named <c>probe</c>, logging to <see cref="ProbeLog"/>.</summary>
    public static string Probe => Stdio("probe", McpFixtures.Node, [McpFixtures.Probe], ProbeEnv);

    /// <summary>The probe as a per-session server (<c>"scope":"session"</c>): a process of its own for each session that calls it.</summary>
    public static string SessionProbe => Stdio("probe", McpFixtures.Node, [McpFixtures.Probe], ProbeEnv + ",\"scope\":\"session\"");

    /// <summary>Where the probe logs, and the file whose existence makes a probe starting then hang before initialize (<see cref="ProbeHangs"/>).</summary>
    private const string ProbeEnv = $$""","env":{"PROBE_LOG":"{{DirectoryToken}}/probe.log","PROBE_HANG_IF":"{{DirectoryToken}}/hang"}""";

    /// <summary>Stands for <see cref="Directory"/> in the servers given to <see cref="StartAsync"/>.</summary>
    public const string DirectoryToken = "$DIRECTORY";

    /// <summary>One stdio entry of <c>mcpServers</c>: <c>"name":{"command","args"}</c>, then <paramref name="moreKeys"/> (JSON starting with a comma).</summary>
    public static string Stdio(string name, string command, string[] args, string moreKeys = "") =>
        $$"""{{Json(name)}}:{"command":{{Json(command)}},"args":[{{string.Join(',', args.Select(Json))}}]{{moreKeys}}}""";

    /// <param name="sandbox">MCP_SANDBOX: unconfined unless a test is about the sandbox.</param>
    /// <param name="servers">The members of <c>mcpServers</c>, comma-separated (<see cref="Everything"/>, <see cref="Stdio"/>…), where <see cref="DirectoryToken"/> is the test's directory.</param>
    public static async Task<McpTestHost> StartAsync(
        string servers, ScriptedModelProvider? model = null, TimeProvider? clock = null, string[]? apiKeys = null, GatewayMetrics? metrics = null,
        IReadOnlyList<IModelProvider>? upstreams = null, AgentOptions? agents = null, string sandbox = "none")
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("gateway-mcp-");
        var file = Path.Combine(directory.FullName, "mcp.json");
        await File.WriteAllTextAsync(file, "{\"mcpServers\":{" + servers.Replace(DirectoryToken, directory.FullName, StringComparison.Ordinal) + "}}");
        var mcp = McpOptions.Default with { ServersFile = file, Sandbox = sandbox };
        try
        {
            var chat = await ChatTestHost.StartAsync(model, agents: agents, moreProviders: upstreams, clock: clock, apiKeys: apiKeys, metrics: metrics, mcp: mcp);
            return new McpTestHost(directory, chat);
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>GET /mcp/servers' entry of <paramref name="server"/>, once <paramref name="condition"/> holds of it (at most <see cref="StartPatience"/>).</summary>
    public async Task<JsonElement> ServerAsync(string server, Func<JsonElement, bool> condition, string what, string authorization = "")
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            var response = await Chat.Host.GetAsync("/mcp/servers", authorization);
            Assert.Equal(200, response.StatusCode);
            var entry = JsonDocument.Parse(response.Body).RootElement.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == server);
            if (entry.TryGetProperty("pid", out var pid))
            {
                lock (_pids)
                {
                    _pids.Add(pid.GetInt32());
                }
            }
            if (condition(entry))
            {
                return entry.Clone();
            }
            Assert.True(DateTime.UtcNow - started < StartPatience, $"{server} not {what} within {StartPatience}: {entry}");
            await Task.Delay(20);
        }
    }

    /// <summary>The server's entry once it is ready (its tools offered).</summary>
    /// <remarks>The tools listed come from the registry's catalog, which follows the server's state a moment later: wait for both.</remarks>
    public Task<JsonElement> ReadyAsync(string server, string authorization = "") =>
        ServerAsync(server, s => s.GetProperty("state").GetString() == "ready" && s.GetProperty("tools").GetArrayLength() > 0, "ready", authorization);

    /// <summary>POSTs /chat: "go" to the scripted model, with these <c>permissions</c> (SPEC §6).</summary>
    public Task<(RawConnection Connection, EventStreamReader Events)> OpenChatAsync(string permissions, string model = "test-model") =>
        Chat.OpenChatAsync($$"""{"model":"{{model}}","messages":[{"role":"user","content":"go"}],"permissions":{{permissions}}}""");

    /// <summary>A whole /chat session (<see cref="OpenChatAsync"/>): its events.</summary>
    public async Task<List<ServerSentEvent>> ChatAsync(string permissions)
    {
        var (connection, stream) = await OpenChatAsync(permissions);
        await using var _ = connection;
        return await stream.ReadAllEventsAsync();
    }

    /// <summary>Makes every probe started from now on hang before it answers initialize (it still ends when its input is closed).</summary>
    public void ProbeHangs() => File.WriteAllText(Path.Combine(Directory, "hang"), "");

    /// <summary>The probe's log lines so far.</summary>
    public string[] ProbeLines() => File.Exists(ProbeLog) ? File.ReadAllLines(ProbeLog) : [];

    /// <summary>Waits (at most <see cref="AgentScript.Patience"/>) for a line of the probe's log that starts with <paramref name="prefix"/>.</summary>
    public async Task<string> ProbeLineAsync(string prefix)
    {
        string? line = null;
        await AgentScript.WithinAsync(AgentScript.Patience, () => (line = ProbeLines().FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))) is not null, $"the probe logs '{prefix}…'");
        return line!;
    }

    public async ValueTask DisposeAsync()
    {
        await Chat.DisposeAsync();
        try
        {
            // Stopping the gateway stops its servers: nothing of any process group they ran in is left.
            int[] pids;
            lock (_pids)
            {
                // Also the probe's processes of its own that sessions had (scope "session"), which GET /mcp/servers does not name.
                pids = [.. _pids.Union(ProbeLines().Where(l => l.StartsWith("ready ", StringComparison.Ordinal) || l.StartsWith("hanging ", StringComparison.Ordinal))
                    .Select(l => int.Parse(l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture)))];
            }
            await AgentScript.WithinAsync(AgentScript.Patience, () => pids.All(pid => HostProcesses.MembersOf(pid).Count == 0), $"the servers' process groups {string.Join(',', pids)} are gone");
        }
        finally
        {
            _directory.Delete(recursive: true);
        }
    }

    private static string Json(string value) => "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";
}
