using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Tools.BuiltIn;
using Gateway.Tools.Tests.BuiltIn;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>
/// SPEC §8 <c>exec(command, timeout?)</c> through /chat in RLM mode: gated like a tool named <c>exec</c> (allowlist,
/// relay, denial, "always"), run as <c>bash</c> runs (output live as repl_progress, timeout, sandbox), and killed with
/// its process group when the client leaves. In-process the coalescing clock never moves: the first chunk of each
/// stream leaves at once, the rest with the turn's end.
/// </summary>
public sealed class RlmExecTests : IDisposable
{
    private const string Allowed = """{"allowlist":[{"tool":"exec"}]}""";

    /// <summary>The umask's mode (not 0700), so that the sandbox's unprivileged uid can reach a session's directory in it.</summary>
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gateway-rlm-exec-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task AnAllowedExecReturnsItsOutputToTheScriptAndStreamsItAsReplProgress()
    {
        await using var host = await StartAsync(Turn("const r = await exec('printf hi; printf oops >&2; exit 3')\nprint(JSON.stringify(r))\nFINAL('ok')"));

        var events = await RunAsync(host, Allowed);

        Assert.Equal(["connected", "harness_start", "text", "usage", "repl_input"], events.Take(5).Select(e => e.Name));
        var (runId, agentId, inputId) = (events[1].Field("runId"), events[1].Field("agentId"), events[4].Field("id"));
        var progress = events.Where(e => e.Name == "repl_progress").ToList();
        Assert.All(progress, p => Assert.Equal((runId, inputId, agentId), (p.Field("runId"), p.Field("id"), p.Field("agentId"))));
        Assert.Equal("hi" + """{"stdout":"hi","stderr":"oops","exitCode":3}""" + "\n", Chunks(progress, "stdout"));
        Assert.Equal("oops", Chunks(progress, "stderr"));
        var output = events.Single(e => e.Name == "repl_output");
        Assert.Equal(
            $$"""{"type":"repl_output","runId":"{{runId}}","id":"{{inputId}}","stdout":"{\"stdout\":\"hi\",\"stderr\":\"oops\",\"exitCode\":3}","done":true,"iteration":0,"durationMs":{{output.Field("durationMs")}},"agentId":"{{agentId}}"}""",
            output.Data);
        Assert.Equal(["repl_output", "text", "harness_end"], events.TakeLast(3).Select(e => e.Name));
        Assert.DoesNotContain(events, e => e.Name == "relay");
    }

    [Fact]
    public async Task WithoutARuleExecIsRelayedAndRunsOnceApproved()
    {
        await using var host = await StartAsync(Turn("print((await exec('echo approved')).stdout)\nFINAL('ok')"));

        var (head, rest) = await AnswerTheRelayAsync(host, """{"approved":true}""");

        var (runId, agentId, relay) = (head[1].Field("runId"), head[1].Field("agentId"), head[^1]);
        Assert.Equal(
            $$"""{"type":"relay","kind":"permission","runId":"{{runId}}","id":"{{relay.Field("id")}}","toolCallId":"{{runId}}/exec-1","tool":"exec","params":{"command":"echo approved"},"agentId":"{{agentId}}"}""",
            relay.Data);
        Assert.Equal("approved\n", rest.Single(e => e.Name == "repl_output").Field("stdout"));
        Assert.Equal("final", rest[^1].Field("reason"));
    }

    [Fact]
    public async Task ADenialThrowsInTheScriptAndTheModelSeesIt()
    {
        var model = Turn("await exec('rm -rf /')\nFINAL('unreachable')");
        model.ThenText(Js("FINAL('gave up')"));
        await using var host = await StartAsync(model);

        var (_, rest) = await AnswerTheRelayAsync(host, """{"approved":false,"reason":"dangerous"}""");

        var output = rest.First(e => e.Name == "repl_output").Json;
        Assert.Equal(("Error: exec denied: dangerous", false), (output.GetProperty("error").GetString(), output.GetProperty("done").GetBoolean()));
        Assert.Equal("<harness:repl_output>\n<error>Error: exec denied: dangerous</error>\n</harness:repl_output>", host.Model.Requests.Last().Messages[^1].Text);
        Assert.Equal("gave up", rest.Last(e => e.Name == "text").Field("content"));
    }

    [Fact]
    public async Task ADenyRuleIsAnErrorTheScriptCanCatch()
    {
        await using var host = await StartAsync(Turn("try { await exec('git push') } catch (e) { print(e.message) }\nFINAL('ok')"));

        var events = await RunAsync(host, """{"deny":[{"tool":"exec","params":{"command":"git push*"},"reason":"no pushing"}]}""");

        Assert.Equal("exec denied: no pushing", events.Single(e => e.Name == "repl_output").Field("stdout"));
    }

    [Fact]
    public async Task AnUnansweredRelayIsADenialWithRelayTimedOut()
    {
        var agents = new AgentOptions { WorkspaceRoot = _root, Clock = new FakeTimeProvider(), RelayTimeout = TimeSpan.FromMilliseconds(300) };
        await using var host = await ChatTestHost.StartAsync(Turn("try { await exec('ls') } catch (e) { print(e.message) }\nFINAL('ok')"), agents: agents);

        var events = await RunAsync(host, "{}");

        Assert.Equal("exec denied: relay timed out", events.Single(e => e.Name == "repl_output").Field("stdout"));
    }

    [Fact]
    public async Task AlwaysAllowsTheCommandsFirstWordWithoutAskingAgain()
    {
        await using var host = await StartAsync(Turn("print((await exec('echo a')).stdout + (await exec('echo b')).stdout)\nFINAL('ok')"));

        var (_, rest) = await AnswerTheRelayAsync(host, """{"approved":true,"always":true}""");

        Assert.DoesNotContain(rest, e => e.Name == "relay");
        Assert.Equal("a\nb\n", rest.Single(e => e.Name == "repl_output").Field("stdout"));
    }

    [Fact]
    public async Task ATimedOutExecIsKilledAndReportsExitCodeMinusOne()
    {
        await using var host = await StartAsync(Turn("print(JSON.stringify(await exec('sleep 30', 0.2)))\nFINAL('ok')"));

        var events = await RunAsync(host, Allowed);

        Assert.Equal("""{"stdout":"","stderr":"exec timeout: killed after 0.2s","exitCode":-1}""", events.Single(e => e.Name == "repl_output").Field("stdout"));
        Assert.Equal("[exec] TIMEOUT after 0.2s — process killed\n", Chunks(events.Where(e => e.Name == "repl_progress"), "stderr"));
    }

    [Fact]
    public async Task ATimeoutOutOfRangeIsAnError()
    {
        await using var host = await StartAsync(Turn("await exec('true', 601)"));

        var events = await RunAsync(host, Allowed, maxIterations: 1);

        Assert.Equal("Error: exec timeout must be more than 0 and at most 600 seconds (got 601)", events.Single(e => e.Name == "repl_output").Field("error"));
    }

    [Fact]
    public async Task ExecRunsInExecCwd()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        await using var host = await StartAsync(Turn("print((await exec('pwd -P')).stdout)\nFINAL('ok')"));

        var events = await RunAsync(host, Allowed, fields: ""","execCwd":"sub" """);

        Assert.Equal(Path.Combine(_root, "sub") + "\n", events.Single(e => e.Name == "repl_output").Field("stdout"));
    }

    [Fact]
    public async Task InTheSandboxExecRunsInTheSessionsDirectoryAndExecCwdMustStayInside()
    {
        // SandboxedBashTests' conditions: real bwrap, a session's own directory, an unprivileged uid when root.
        var sandbox = new BashSandbox { UserBase = BashSandbox.GatewayIsRoot ? 2_098_000_000 : null };
        var agents = new AgentOptions { WorkspaceRoot = _root, WorkspaceMode = WorkspaceMode.Session, BashSandbox = sandbox, Clock = new FakeTimeProvider() };
        var model = Turn("print((await exec('pwd; echo $HOME; ls -A /tmp')).stdout)\nFINAL('ok')");
        model.ThenText(Js("try { await exec('pwd') } catch (e) { print(e.message) }\nFINAL('ok')"));
        await using var host = await ChatTestHost.StartAsync(model, agents: agents);

        var events = await RunAsync(host, Allowed);
        var outside = await RunAsync(host, Allowed, fields: ""","execCwd":"/" """);

        // The sandbox's HOME (the workspace) and private /tmp, which holds only the way to the workspace; unconfined,
        // HOME would be the gateway's and /tmp the host's.
        var directory = Path.Combine(_root, events[0].Field("sessionId")!);
        Assert.Equal($"{directory}\n{directory}\n{Path.GetFileName(_root)}\n", events.Single(e => e.Name == "repl_output").Field("stdout"));
        Assert.Equal("exec failed: execCwd must be a directory inside the workspace when commands run in the sandbox: /", outside.Single(e => e.Name == "repl_output").Field("stdout"));
    }

    [Fact]
    public async Task DisconnectingKillsARunningExecsProcessGroup()
    {
        var marker = HostProcesses.Marker();
        await using var host = await StartAsync(Turn($"await exec('sleep {marker}', 60)"));
        var (connection, _) = await host.OpenChatAsync(Session(Allowed));
        await WithinAsync(Patience, () => HostProcesses.Running(marker).Count > 0, "the command runs");

        await connection.DisposeAsync();

        await HostProcesses.AssertNoneLeftAsync(marker, Patience);
        await WithinAsync(Patience, () => host.Host.Orchestrators.Rented == 0, "the session is over");
    }

    /// <summary>A model whose first turn answers with <paramref name="code"/> in one js block.</summary>
    private static ScriptedModelProvider Turn(string code) => new ScriptedModelProvider().ThenText(Js(code));

    private Task<ChatTestHost> StartAsync(ScriptedModelProvider model) =>
        ChatTestHost.StartAsync(model, agents: new AgentOptions { WorkspaceRoot = _root, Clock = new FakeTimeProvider() });

    /// <summary>A session with these permissions (and <paramref name="fields"/>, each with a leading comma).</summary>
    private static string Session(string permissions, int maxIterations = 3, string fields = "") =>
        Request("go", $$""","maxIterations":{{maxIterations}},"permissions":{{permissions}}{{fields}}""");

    private static Task<List<ServerSentEvent>> RunAsync(ChatTestHost host, string permissions, int maxIterations = 3, string fields = "") =>
        host.ReadSessionAsync(Session(permissions, maxIterations, fields));

    /// <summary>A session without permissions: its events up to the first relay, which is answered, and all after it.</summary>
    private static async Task<(List<ServerSentEvent> Head, List<ServerSentEvent> After)> AnswerTheRelayAsync(ChatTestHost host, string answer)
    {
        var (connection, stream) = await host.OpenChatAsync(Session("{}"));
        await using var _ = connection;
        var head = await stream.ReadUntilAsync("relay");
        await host.AnswerAsync(head[^1].Field("id")!, head[0].Field("sessionId")!, answer);
        return (head, await stream.ReadAllEventsAsync());
    }

    /// <summary>The text of one stream's repl_progress chunks, in order.</summary>
    private static string Chunks(IEnumerable<ServerSentEvent> progress, string stream) =>
        string.Concat(progress.Where(p => p.Field("stream") == stream).Select(p => p.Field("chunk")));
}
