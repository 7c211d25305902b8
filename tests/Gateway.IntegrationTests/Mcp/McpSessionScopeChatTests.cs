using System.Globalization;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Tools.Tests.BuiltIn;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>
/// A per-session server (<c>"scope":"session"</c>, docs/mcp.md) through POST /chat: the probe's <c>count</c> says which
/// process answered and how many times it has, so sessions' own processes and their kept state show in the results.
/// </summary>
public sealed class McpSessionScopeChatTests : IDisposable
{
    private const string AllowCount = """{"allowlist":[{"tool":"mcp__probe__count"}]}""";

    /// <summary>WORKSPACE_ROOT of the tests with WORKSPACE_MODE=session (<see cref="SessionWorkspaces"/>).</summary>
    private readonly string _root = Directory.CreateTempSubdirectory("gateway-mcp-workspaces-").FullName;

    private AgentOptions SessionWorkspaces => new() { WorkspaceRoot = _root, WorkspaceMode = WorkspaceMode.Session };

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task EachSessionGetsAProcessOfItsOwnThatKeepsItsStateAndEndsWithTheSession()
    {
        var model = new ScriptedModelProvider()
            // The first session counts twice, then its model turn hangs: it stays open while the second one runs.
            .ThenCalls(Call("a1", "mcp__probe__count", "{}"))
            .ThenCalls(Call("a2", "mcp__probe__count", "{}"))
            .ThenHang(firstText: null)
            .ThenCalls(Call("b1", "mcp__probe__count", "{}"))
            .ThenCalls(Call("b2", "mcp__probe__count", "{}"))
            .ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.SessionProbe, model);
        var template = (await mcp.ReadyAsync("probe")).GetProperty("pid").GetInt32();
        Assert.Equal(0, (await mcp.ReadyAsync("probe")).GetProperty("sessions").GetInt32());

        var (first, firstEvents) = await mcp.OpenChatAsync(AllowCount);
        var firstResults = new[] { await NextResultAsync(firstEvents), await NextResultAsync(firstEvents) };
        await WithinAsync(Patience, () => model.Requests.Count == 3, "the first session's third turn");
        var secondResults = (await mcp.ChatAsync(AllowCount)).Where(e => e.Name == "tool_result").Select(Context).ToArray();

        var a = int.Parse(firstResults[0].Split(' ')[0], CultureInfo.InvariantCulture);
        var b = int.Parse(secondResults[0].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.Equal([$"{a} 1", $"{a} 2"], firstResults);
        Assert.Equal([$"{b} 1", $"{b} 2"], secondResults);
        Assert.Equal(3, new[] { template, a, b }.Distinct().Count());
        // The second session has ended: its process is gone; the first one's still serves it.
        await WithinAsync(Patience, () => HostProcesses.MembersOf(b).Count == 0, "the second session's server is gone");
        Assert.NotEmpty(HostProcesses.MembersOf(a));
        Assert.Equal(1, (await mcp.ReadyAsync("probe")).GetProperty("sessions").GetInt32());

        // The client leaves: the session ends, and its server with it.
        await first.DisposeAsync();
        await WithinAsync(Patience, () => mcp.Chat.SessionsGone && HostProcesses.MembersOf(a).Count == 0, "the first session and its server are gone");
        Assert.Equal(0, (await mcp.ReadyAsync("probe")).GetProperty("sessions").GetInt32());
        Assert.NotEmpty(HostProcesses.MembersOf(template));
    }

    [Fact]
    public async Task UnderWorkspaceModeSessionTheSessionsServerWorksInTheSessionsDirectory()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__probe__cwd", "{}")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.SessionProbe, model, agents: SessionWorkspaces);
        await mcp.ReadyAsync("probe");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__probe__cwd"}]}""");

        var sessionId = events.Single(e => e.Name == "connected").Field("sessionId");
        Assert.Equal(Path.Join(_root, sessionId), Context(events.Single(e => e.Name == "tool_result")));
        // Its server was ended before its directory was removed.
        await WithinAsync(Patience, () => mcp.Chat.SessionsGone, "the session is gone");
        Assert.False(Directory.Exists(Path.Join(_root, sessionId)));
    }

    [Fact]
    public async Task WorkspaceInTheEntryIsTheSessionsDirectoryForItsOwnInstance()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__files__list_allowed_directories", "{}")).ThenText("done");
        var files = McpTestHost.Stdio("files", McpFixtures.Node, [McpFixtures.ServerFilesystem, "${WORKSPACE}"], ",\"scope\":\"session\"");
        await using var mcp = await McpTestHost.StartAsync(files, model, agents: SessionWorkspaces);
        await mcp.ReadyAsync("files");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__files__list_allowed_directories"}]}""");

        var sessionId = events.Single(e => e.Name == "connected").Field("sessionId");
        Assert.EndsWith("\n" + Path.Join(_root, sessionId), Context(events.Single(e => e.Name == "tool_result")), StringComparison.Ordinal);
        await WithinAsync(Patience, () => mcp.Chat.SessionsGone, "the session is gone");
        // The session's server (its argv names the session's directory) ended with it.
        await HostProcesses.AssertNoneLeftAsync(sessionId!, Patience);
    }

    [Fact]
    public async Task ASessionThatEndsWhileItsServerIsStartingDoesNotWaitForTheStart()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__probe__count", "{}")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.SessionProbe, model);
        await mcp.ReadyAsync("probe");
        mcp.ProbeHangs();
        var (connection, _) = await mcp.OpenChatAsync(AllowCount);
        var hanging = int.Parse((await mcp.ProbeLineAsync("hanging "))["hanging ".Length..], CultureInfo.InvariantCulture);

        // SPEC §6: within a second of the client leaving, not MCP_START_TIMEOUT_SECONDS (30) later.
        await mcp.Chat.DisconnectWithinAsync(connection, TimeSpan.FromSeconds(1));
        Assert.Empty(HostProcesses.MembersOf(hanging));
        Assert.Equal(0, (await mcp.ReadyAsync("probe")).GetProperty("sessions").GetInt32());
    }

    [Fact]
    public async Task AnHttpServerGivesEachSessionAnMcpSessionOfItsOwnEndedWithTheSession()
    {
        await using var server = await McpHttpTestServer.StartAsync();
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__remote__block", "{}")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync($$"""
            "remote":{"url":"{{server.Url}}","scope":"session"}
            """, model);
        await mcp.ReadyAsync("remote");
        var (connection, _) = await mcp.OpenChatAsync("""{"allowlist":[{"tool":"mcp__remote__block"}]}""");

        await server.BlockStarted.WaitAsync(Patience);
        Assert.Equal(1, (await mcp.ReadyAsync("remote")).GetProperty("sessions").GetInt32());
        await mcp.Chat.DisconnectWithinAsync(connection, TimeSpan.FromSeconds(1));

        await server.BlockCancelled.WaitAsync(Patience);
        Assert.Equal(0, (await mcp.ReadyAsync("remote")).GetProperty("sessions").GetInt32());
    }

    private static async Task<string> NextResultAsync(EventStreamReader events) => Context((await events.ReadUntilAsync("tool_result"))[^1]);

    private static string Context(ServerSentEvent result) => result.Json.GetProperty("output").GetProperty("context").GetString()!;
}
