using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Agents;
using Gateway.Server.Providers;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Tools;

/// <summary>The built-in tools (SPEC §7) driven by a model through POST /chat, in a temporary workspace.</summary>
public sealed class BuiltInToolChatTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("gateway-chat-tools-").FullName;
    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_workspace, recursive: true);
    }

    private AgentOptions Agents => new() { WorkspaceRoot = _workspace };

    private Task<ChatTestHost> StartAsync(ScriptedModelProvider? model = null, IReadOnlyList<IModelProvider>? upstreams = null) =>
        ChatTestHost.StartAsync(model, new BuiltInToolRegistry(Agents.EnabledTools), Agents, upstreams);

    [Fact]
    public async Task BashCallFromAnUpstreamModelIsRelayedApprovedRunAndReported()
    {
        // A real OpenAI-compatible upstream: a tool-call turn, then a text turn once the result is in.
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"object":"list","data":[{"id":"gpt-test","object":"model"}]}"""),
            UpstreamReply.Sse("""
                data: {"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"bash","arguments":"{\"command\":\"echo hello\"}"}}]},"finish_reason":null}]}

                data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7}}

                data: [DONE]


                """),
            UpstreamReply.Sse("""
                data: {"choices":[{"index":0,"delta":{"content":"It printed hello."},"finish_reason":null}]}

                data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: [DONE]


                """));
        await using var host = await StartAsync(upstreams: [new OpenAiCompatibleProvider("upstream", upstream.Url("/v1"), "sk-test", _http)]);

        var (connection, stream) = await host.OpenChatAsync("""{"model":"gpt-test","messages":[{"role":"user","content":"say hello"}]}""");
        await using var _ = connection;
        var head = await stream.ReadUntilAsync("relay");
        var relay = head[^1];
        Assert.Equal(("bash", """{"command":"echo hello"}"""), (relay.Field("tool"), relay.Json.GetProperty("params").GetRawText()));
        await host.AnswerAsync(relay.Field("id")!, head[0].Field("sessionId")!, """{"approved":true}""");

        var rest = await stream.ReadAllEventsAsync();
        // One short write: one tool_progress (SPEC §5), then the result.
        Assert.Equal(["tool_call", "tool_progress", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal(relay.Field("toolCallId"), rest[0].Field("id"));
        Assert.Equal((rest[0].Field("id"), "hello\n"), (rest[1].Field("toolCallId"), rest[1].Field("content")));
        Assert.Equal(
            """{"context":"stdout:\nhello\n\nexit code: 0","result":{"exitCode":0,"stdout":"hello\n","stderr":""}}""",
            rest[2].Json.GetProperty("output").GetRawText());
        Assert.Equal("It printed hello.", rest[3].Field("content"));

        // The model's next request carries the tool message with the tool's context as its content.
        using var second = JsonDocument.Parse(upstream.Requests[^1].Body);
        var toolMessage = second.RootElement.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal(("call_1", "stdout:\nhello\n\nexit code: 0"), (toolMessage.GetProperty("tool_call_id").GetString(), toolMessage.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task ReadThenPatchChangesTheFileInTheWorkspace()
    {
        await File.WriteAllTextAsync(Path.Combine(_workspace, "notes.txt"), "alpha\nbeta\n");
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("r1", "read", """{"filePath":"notes.txt"}"""))
            .ThenCalls(Call("p1", "patch", """{"patch":"*** Begin Patch\n*** Update File: notes.txt\n@@\n alpha\n-beta\n+gamma\n*** End Patch"}"""))
            .ThenText("Updated.");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"fix notes"}],"permissions":{"allowlist":[{"tool":"read"},{"tool":"patch"}]}}
            """);
        await using var _ = connection;
        var results = (await stream.ReadAllEventsAsync()).Where(e => e.Name == "tool_result").ToList();

        Assert.Equal(
            "<file path=\"notes.txt\" lines=\"1-2\" total=\"2\">\n   1 | alpha\n   2 | beta\n</file>",
            results[0].Json.GetProperty("output").GetProperty("context").GetString());
        Assert.Equal("Updated notes.txt", results[1].Json.GetProperty("output").GetProperty("context").GetString());
        Assert.Equal("alpha\ngamma\n", await File.ReadAllTextAsync(Path.Combine(_workspace, "notes.txt")));
    }

    [Fact]
    public async Task PatchOfAFileNotReadInTheSessionIsRefusedAndTheLoopGoesOn()
    {
        await File.WriteAllTextAsync(Path.Combine(_workspace, "notes.txt"), "alpha\n");
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("p1", "patch", """{"patch":"*** Begin Patch\n*** Delete File: notes.txt\n*** End Patch"}"""))
            .ThenText("I will read it first.");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"delete"}],"permissions":{"allowlist":[{"tool":"patch"}]}}
            """);
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();

        // SPEC §7: a failed patch says why in its context.
        Assert.Equal("""{"context":"notes.txt must be read before it is deleted"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        Assert.Equal("I will read it first.", events.Single(e => e.Name == "text").Field("content"));
        Assert.True(File.Exists(Path.Combine(_workspace, "notes.txt")));
    }

    [Fact]
    public async Task ToolOutcomesHaveTheShapesOfSpecSection7()
    {
        await File.WriteAllBytesAsync(Path.Combine(_workspace, "blob.bin"), [0x41, 0x00, 0x42]);
        var model = new ScriptedModelProvider()
            .ThenCalls(
                Call("c1", "read", """{"filePath":"missing.txt"}"""),
                Call("c2", "read", """{"filePath":"blob.bin"}"""),
                Call("c3", "bash", """{"command":"sleep 30","timeout":0.2}"""),
                Call("c4", "bash", """{"cmd":"ls"}"""))
            .ThenText("done");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"read"},{"tool":"bash"}]}}
            """);
        await using var _ = connection;
        var outputs = (await stream.ReadAllEventsAsync()).Where(e => e.Name == "tool_result").Select(e => e.Json.GetProperty("output")).ToList();

        Assert.Equal(
            [
                """{"context":"File not found: missing.txt"}""",
                """{"context":"Cannot read binary file: blob.bin"}""",
                """{"context":"Command timed out after 0.2 seconds","result":{"exitCode":-1,"stdout":"","stderr":""}}""",
            ],
            outputs[..3].Select(output => output.GetRawText()));
        // Every problem of the arguments at once, so the model's next call can be right (issue 11).
        Assert.Equal("Unknown parameter 'cmd'. Missing required parameter 'command'.", outputs[3].GetProperty("error").GetString());
    }

    [Fact]
    public async Task AlwaysApprovingAPatchAllowsLaterPatchesInTheSameDirectoryOnly()
    {
        Directory.CreateDirectory(Path.Combine(_workspace, "src"));
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("p1", "patch", """{"patch":"*** Begin Patch\n*** Add File: src/a.txt\n+a\n*** End Patch"}"""))
            .ThenCalls(Call("p2", "patch", """{"patch":"*** Begin Patch\n*** Add File: src/b.txt\n+b\n*** End Patch"}"""))
            .ThenCalls(Call("p3", "patch", """{"patch":"*** Begin Patch\n*** Add File: other.txt\n+c\n*** End Patch"}"""))
            .ThenText("done");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"add files"}]}""");
        await using var _ = connection;
        var first = await stream.ReadUntilAsync("relay");
        await host.AnswerAsync(first[^1].Field("id")!, first[0].Field("sessionId")!, """{"approved":true,"always":true}""");

        // src/b.txt runs without asking; other.txt is outside src/ and asks again.
        var second = await stream.ReadUntilAsync("relay");
        Assert.Equal(["tool_call", "tool_result", "usage", "tool_call", "tool_result", "usage", "relay"], second.Select(e => e.Name));
        Assert.Contains("other.txt", second[^1].Json.GetProperty("params").GetProperty("patch").GetString(), StringComparison.Ordinal);
        await host.AnswerAsync(second[^1].Field("id")!, first[0].Field("sessionId")!, """{"approved":false}""");
        await stream.ReadAllEventsAsync();

        Assert.True(File.Exists(Path.Combine(_workspace, "src", "b.txt")));
        Assert.False(File.Exists(Path.Combine(_workspace, "other.txt")));
    }

    [Fact]
    public async Task SubagentUsesTheBuiltInToolsAndItsAnswerIsTheAgentToolsResult()
    {
        await File.WriteAllTextAsync(Path.Combine(_workspace, "fact.txt"), "The answer is 42.\n");
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "agent", """{"task":"Find the answer in fact.txt"}"""))
            .ThenCalls(Call("r1", "read", """{"filePath":"fact.txt"}"""))
            .ThenText("42")
            .ThenText("The subagent says 42.");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"what is the answer?"}],"permissions":{"allowlist":[{"tool":"agent"},{"tool":"read"}]}}
            """);
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();

        var agentResult = events.Last(e => e.Name == "tool_result");
        Assert.Equal("agent", agentResult.Field("name"));
        Assert.Equal("""{"context":"42","result":"42"}""", agentResult.Json.GetProperty("output").GetRawText());
        var subagentRead = events.Single(e => e.Name == "tool_result" && e.Field("name") == "read");
        Assert.Equal(events.First(e => e.Name == "tool_call").Field("id"), subagentRead.Field("parentId"));
        Assert.Equal("The subagent says 42.", events.Last(e => e.Name == "text").Field("content"));
    }
}
