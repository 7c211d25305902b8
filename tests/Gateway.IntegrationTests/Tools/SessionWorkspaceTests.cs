using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Tools;

/// <summary>Issue 14, "A workspace per session": WORKSPACE_MODE=session gives each /chat session its own directory under WORKSPACE_ROOT.</summary>
public sealed class SessionWorkspaceTests : IDisposable
{
    private const string Request = """
        {"model":"test-model","messages":[{"role":"user","content":"go"}],
         "permissions":{"allowlist":[{"tool":"read"},{"tool":"patch"},{"tool":"bash"},{"tool":"agent"}]}}
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("gateway-session-workspaces-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Task<ChatTestHost> StartAsync(ScriptedModelProvider model, bool keep = false)
    {
        var agents = new AgentOptions { WorkspaceRoot = _root, WorkspaceMode = WorkspaceMode.Session, KeepWorkspaces = keep };
        return ChatTestHost.StartAsync(model, new BuiltInToolRegistry(agents.EnabledTools), agents);
    }

    [Fact]
    public async Task ConcurrentSessionsCannotReachEachOthersFilesThroughDotDotAbsolutePathsOrLinks()
    {
        var bDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? a = null; // session A's id, known once A has connected, named in B's calls
        var model = new ScriptedModelProvider()
            // Session A writes a secret, then waits in its next turn while session B runs.
            .ThenCalls(Call("a1", "patch", """{"patch":"*** Begin Patch\n*** Add File: secret.txt\n+A's secret\n*** End Patch"}"""))
            .Then(After(bDone.Task, Text("A done")))
            // Session B: through "..", by absolute path, and through links its own bash made.
            .Then(CallsWhenCalled(() =>
            [
                Call("b1", "read", $$"""{"filePath":"../{{a}}/secret.txt"}"""),
                Call("b2", "read", $$"""{"filePath":"{{_root}}/{{a}}/secret.txt"}"""),
                Call("b3", "bash", $$"""{"command":"ln -s ../{{a}} peer && ln -s {{_root}}/{{a}}/secret.txt direct && pwd"}"""),
            ]))
            .Then(CallsWhenCalled(() =>
            [
                Call("b4", "read", """{"filePath":"peer/secret.txt"}"""),
                Call("b5", "read", """{"filePath":"direct"}"""),
                Call("b6", "patch", """{"patch":"*** Begin Patch\n*** Add File: peer/planted.txt\n+B was here\n*** End Patch"}"""),
                Call("b7", "patch", $$"""{"patch":"*** Begin Patch\n*** Add File: ../{{a}}/planted.txt\n+B was here\n*** End Patch"}"""),
            ]))
            .ThenText("B done");
        await using var host = await StartAsync(model);

        var (connectionA, streamA) = await host.OpenChatAsync(Request);
        await using var _ = connectionA;
        var headA = await streamA.ReadUntilAsync("tool_result");
        a = headA[0].Field("sessionId")!;
        var workspaceA = Path.Join(_root, a);
        Assert.Equal("A's secret\n", await File.ReadAllTextAsync(Path.Join(workspaceA, "secret.txt")));
        // A's second turn has taken its place in the script before B starts.
        await WithinAsync(Patience, () => host.Model.Requests.Count == 2, "session A waits in its second turn");

        var (connectionB, streamB) = await host.OpenChatAsync(Request);
        await using var __ = connectionB;
        var eventsB = await streamB.ReadAllEventsAsync();
        var workspaceB = Path.Join(_root, eventsB[0].Field("sessionId"));
        var outputs = eventsB.Where(e => e.Name == "tool_result").ToDictionary(e => e.Field("id")!.Split('/')[^1], e => e.Json.GetProperty("output"));
        Assert.Equal(workspaceB + "\n", outputs["b3"].GetProperty("result").GetProperty("stdout").GetString());
        foreach (var refused in new[] { "b1", "b2", "b4", "b5", "b6", "b7" })
        {
            Assert.Contains("outside the workspace", outputs[refused].GetRawText(), StringComparison.Ordinal);
        }
        Assert.Equal("B done", eventsB.Single(e => e.Name == "text").Field("content"));
        Assert.Equal(["secret.txt"], Directory.EnumerateFileSystemEntries(workspaceA).Select(Path.GetFileName));

        bDone.SetResult();
        Assert.Equal("A done", (await streamA.ReadAllEventsAsync()).Single(e => e.Name == "text").Field("content"));
        await WithinAsync(Patience, () => host.Host.Orchestrators.Rented == 0, "both sessions are over");
        Assert.Equal([SessionWorkspaces.LockFileName], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ASubagentWorksInItsRootAgentsDirectory()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("r1", "agent", """{"task":"where are you?"}"""))
            .ThenCalls(Call("s1", "bash", """{"command":"pwd"}"""))
            .ThenText("sub done")
            .ThenText("done");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync(Request);
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();

        var pwd = events.Single(e => e.Name == "tool_result" && e.Field("name") == "bash").Json.GetProperty("output").GetProperty("result").GetProperty("stdout").GetString();
        Assert.Equal(Path.Join(_root, events[0].Field("sessionId")) + "\n", pwd);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheDirectoryIsRemovedWhenTheSessionEndsWithoutFollowingItsLinksUnlessKept(bool keep)
    {
        var outside = Directory.CreateTempSubdirectory("gateway-outside-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Join(outside, "keep.txt"), "not the session's");
            var model = new ScriptedModelProvider()
                .ThenCalls(Call("c1", "bash", $$"""{"command":"mkdir -p deep/er && echo x > deep/er/f && ln -s {{outside}} dir && ln -s {{outside}}/keep.txt file"}"""))
                .ThenText("done");
            await using var host = await StartAsync(model, keep);

            var (connection, stream) = await host.OpenChatAsync(Request);
            await using var _ = connection;
            var events = await stream.ReadAllEventsAsync();
            var workspace = Path.Join(_root, events[0].Field("sessionId"));
            Assert.Equal(0, events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("result").GetProperty("exitCode").GetInt32());

            // The pool counts the orchestrator as rented until its session's directory is dealt with.
            await WithinAsync(Patience, () => host.Host.Orchestrators.Rented == 0, "the session is over");
            Assert.Equal(keep, Directory.Exists(workspace));
            Assert.Equal(keep, File.Exists(Path.Join(workspace, "deep", "er", "f")));
            Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task TheDirectoryIsRemovedAlsoWhenAToolOutlivesTheDrainBound()
    {
        var tools = new TestToolRegistry();
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "stubborn", """{"seconds":3600}"""));
        var agents = new AgentOptions { WorkspaceRoot = _root, WorkspaceMode = WorkspaceMode.Session, Clock = tools.Clock, WorkDrainTimeout = TimeSpan.FromSeconds(5) };
        await using var host = await ChatTestHost.StartAsync(model, tools, agents);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"stubborn"}]}}
            """);
        var workspace = Path.Join(_root, (await stream.ReadUntilAsync("connected"))[^1].Field("sessionId"));
        await tools.StubbornStarted.WaitAsync(Patience);
        Assert.True(Directory.Exists(workspace));

        await connection.DisposeAsync();
        await WithinAsync(Patience, () =>
        {
            tools.Clock.Advance(TimeSpan.FromSeconds(1));
            return host.Host.Orchestrators.Rented == 0;
        }, "the orchestrator is let go after the drain bound");
        Assert.False(Directory.Exists(workspace));
        Assert.False(tools.StubbornFinished.IsCompleted);

        tools.Clock.Advance(TimeSpan.FromHours(1));
        await tools.StubbornFinished.WaitAsync(Patience);
    }

    [Fact]
    public async Task ASessionWhoseDirectoryCannotBeMadeIsRefusedWith500()
    {
        var notADirectory = Path.Join(_root, "file");
        await File.WriteAllTextAsync(notADirectory, "");
        var agents = new AgentOptions { WorkspaceRoot = notADirectory, WorkspaceMode = WorkspaceMode.Session };
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("never"), new BuiltInToolRegistry(agents.EnabledTools), agents);

        var response = await host.PostForResponseAsync("/chat", Request);

        Assert.Equal((500, """{"error":"Cannot create a workspace for the session"}"""), (response.StatusCode, response.Body));
        Assert.Empty(host.Model.Requests);
        Assert.Equal(0, host.Host.Orchestrators.Rented);
    }

    [Fact]
    public async Task TheExecutableReadsTheModeAndRemovesTheDirectoryAfterTheSession()
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["MODELS_DIR"] = _root, ["MOCK_MODELS"] = "m", ["MOCK_TOKENS"] = "1",
            ["WORKSPACE_ROOT"] = _root, ["WORKSPACE_MODE"] = "session",
        });
        var url = $"http://{await gateway.ListeningAsync()}";
        var request = """
            {"messages":[{"role":"user","content":"/tool bash {\"command\": \"pwd\"}"}],"permissions":{"allowlist":[{"tool":"bash"}]}}
            """;

        var (exitCode, stream) = await ClientProcess.RunAsync("curl", "-sSN", "--max-time", "10", "-H", "Content-Type: application/json", "-d", request, url + "/chat");

        Assert.Equal(0, exitCode);
        var events = Mock.MockModels.ParseEvents(stream);
        var pwd = events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("result").GetProperty("stdout").GetString();
        Assert.Equal(Path.Join(_root, events[0].Field("sessionId")) + "\n", pwd);
        await WithinAsync(Patience, () => !Directory.Exists(Path.Join(_root, events[0].Field("sessionId"))), "the session's directory is removed");
    }

    [Fact]
    public async Task StartUpWaitsForAnotherGatewaysSweepAndThenHoldsTheRootShared()
    {
        var lockPath = Path.Join(_root, SessionWorkspaces.LockFileName);
        var output = new LineWriter();
        await using var log = new GatewayLog(LogLevel.Info, output);
        var agents = new AgentOptions { WorkspaceRoot = _root, WorkspaceMode = WorkspaceMode.Session };
        Task<ChatTestHost> starting;
        // Another gateway in its start-up sweep holds the lock alone.
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None))
        {
            starting = Task.Run(() => ChatTestHost.StartAsync(new ScriptedModelProvider(), new BuiltInToolRegistry(agents.EnabledTools), agents, log: log));
            await output.LineAsync(line => line.Contains("Another gateway uses WORKSPACE_ROOT", StringComparison.Ordinal));
            Assert.False(starting.IsCompleted);
        }
        await using var host = await starting.WaitAsync(Patience);

        // Now this gateway holds it shared: a later gateway's sweep cannot have it alone.
        var conflict = Assert.Throws<IOException>(() => new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.None));
        Assert.Equal(11, conflict.HResult);
    }

    [Fact]
    public void TheModeIsSharedUnlessSetAndABadValueIsRefused()
    {
        var defaults = GatewayOptions.FromEnvironment(_ => null).Agents;
        Assert.Equal((WorkspaceMode.Shared, false), (defaults.WorkspaceMode, defaults.KeepWorkspaces));

        var set = GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("WORKSPACE_MODE", "Session"), ("WORKSPACE_KEEP", "true"))).Agents;
        Assert.Equal((WorkspaceMode.Session, true), (set.WorkspaceMode, set.KeepWorkspaces));

        var error = Assert.Throws<ConfigurationException>(() => GatewayOptions.FromEnvironment(EnvironmentVariables.Of(("WORKSPACE_MODE", "private"))));
        Assert.Equal("WORKSPACE_MODE=private: expected shared or session.", error.Message);
    }
}
