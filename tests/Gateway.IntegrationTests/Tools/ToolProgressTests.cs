using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Tools;

/// <summary>
/// SPEC §5 <c>tool_progress</c> through /chat: bash's output streams while it runs, coalesced, and the
/// <c>tool_result</c> after it is unchanged. In-process the clock never moves, so after the first event everything
/// waits for the end of the call: the event count does not depend on how fast the machine is.
/// </summary>
public sealed class ToolProgressTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gateway-tool-progress-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task BashOutputStreamsAsToolProgressBeforeTheUnchangedToolResult()
    {
        var (runId, agentId, events) = await RunBashAsync("""printf 'a\n'; sleep 0.5; printf 'b\n' >&2; sleep 0.2; printf 'c'""");

        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_progress", "tool_progress", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        // The first output leaves at once; the rest waits for the interval (here: the end of the call), stderr and stdout in arrival order.
        Assert.Equal($$"""{"type":"tool_progress","runId":"{{runId}}","toolCallId":"{{runId}}/call_1","name":"bash","content":"a\n","agentId":"{{agentId}}"}""", events[4].Data);
        Assert.Equal($$"""{"type":"tool_progress","runId":"{{runId}}","toolCallId":"{{runId}}/call_1","name":"bash","content":"b\nc","agentId":"{{agentId}}"}""", events[5].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/call_1","name":"bash","output":{"context":"stdout:\na\nc\nstderr:\nb\n\nexit code: 0","result":{"exitCode":0,"stdout":"a\nc","stderr":"b\n"}},"agentId":"{{{agentId}}}"}""", events[6].Data);
    }

    [Fact]
    public async Task AFloodIsCoalescedAndCutAtTheResultsCap()
    {
        var (_, _, events) = await RunBashAsync("""head -c 1000000 /dev/zero | tr '\0' a""");

        var progress = events.Where(e => e.Name == "tool_progress").Select(e => e.Field("content")!).ToList();
        Assert.InRange(progress.Count, 1, 2);
        Assert.Equal(new string('a', 64 * 1024), string.Concat(progress));
        Assert.Equal("tool_result", events[events.FindIndex(e => e.Name == "tool_progress") + progress.Count].Name);
    }

    [Fact]
    public async Task ACommandWithoutOutputSendsNoProgress()
    {
        var (_, _, events) = await RunBashAsync("true");

        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
    }

    [Fact]
    public async Task TheExecutableStreamsProgressForTheMockModelsBashCall()
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["MODELS_DIR"] = _root, ["MOCK_MODELS"] = "m", ["MOCK_TOKENS"] = "1", ["WORKSPACE_ROOT"] = _root,
        });
        var url = $"http://{await gateway.ListeningAsync()}";
        var request = """
            {"messages":[{"role":"user","content":"/tool bash {\"command\": \"printf a; sleep 0.6; printf b\"}"}],"permissions":{"allowlist":[{"tool":"bash"}]}}
            """;

        var (exitCode, stream) = await ClientProcess.RunAsync("curl", "-sSN", "--max-time", "10", "-H", "Content-Type: application/json", "-d", request, url + "/chat");

        Assert.Equal(0, exitCode);
        var events = Mock.MockModels.ParseEvents(stream);
        var result = events.FindIndex(e => e.Name == "tool_result");
        var progress = events.Select((e, i) => (e, i)).Where(p => p.e.Name == "tool_progress").ToList();
        // Real time here: "a" leaves at once and "b" 0.6 s later, unless a loaded machine read both at once.
        Assert.InRange(progress.Count, 1, 2);
        Assert.All(progress, p => Assert.True(p.i < result));
        Assert.Equal("ab", string.Concat(progress.Select(p => p.e.Field("content"))));
        Assert.Equal(events[result].Field("id"), progress[0].e.Field("toolCallId"));
    }

    private async Task<(string RunId, string AgentId, List<ServerSentEvent> Events)> RunBashAsync(string command)
    {
        var agents = new AgentOptions { WorkspaceRoot = _root, Clock = new FakeTimeProvider() };
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("call_1", "bash", $$"""{"command":"{{JsonEncodedText.Encode(command)}}"}"""))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new BuiltInToolRegistry(agents.EnabledTools), agents);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"run it"}],"permissions":{"allowlist":[{"tool":"bash"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        return (events[1].Field("runId")!, events[1].Field("agentId")!, events);
    }
}
