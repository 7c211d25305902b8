using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Mcp;
using Gateway.Server.Tests.Mcp;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>
/// An MCP server's tools through /chat with a scripted model and a fake server: the same permission step as the
/// built-in tools (allowlist, relay with "always" = the tool's name, deny), the call timeout, progress, images.
/// </summary>
public sealed class McpToolChatTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("gateway-mcp-chat-").FullName;

    private readonly FakeTimeProvider _clock = new();

    private readonly FakeMcpServer _server = new("everything",
        FakeMcpServer.Tool("echo", """{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"message":{"type":"string"}},"required":["message"]}"""),
        FakeMcpServer.Tool("wait"))
    {
        Answer = (_, arguments, _, _) => Task.FromResult(FakeMcpServer.Text($"Echo: {arguments["message"].GetString()}")),
    };

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private Task<ChatTestHost> StartAsync(ScriptedModelProvider model)
    {
        var agents = new AgentOptions { WorkspaceRoot = _workspace, Clock = _clock };
        var tools = new CompositeToolRegistry(
            new BuiltInToolRegistry(agents.EnabledTools),
            new McpToolRegistry([_server], agents.McpToolPatterns, McpOptions.Default, GatewayLog.Silent, _clock));
        return ChatTestHost.StartAsync(model, tools, agents);
    }

    /// <summary>A session whose permissions allow <paramref name="tool"/>, read to its end.</summary>
    private static async Task<List<ServerSentEvent>> RunAllowedAsync(ChatTestHost host, string tool)
    {
        var (connection, stream) = await host.OpenChatAsync($$$"""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"{{{tool}}}"}]}}
            """);
        await using var _ = connection;
        return await stream.ReadAllEventsAsync();
    }

    [Fact]
    public async Task AnAllowedCallRunsAndTheModelWasOfferedTheCleanedTool()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__echo", """{"message":"hi"}""")).ThenText("done");
        await using var host = await StartAsync(model);

        var events = await RunAllowedAsync(host, "mcp__everything__echo");

        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Equal("""{"context":"Echo: hi"}""", events[4].Json.GetProperty("output").GetRawText());
        var offered = model.Requests.First().Tools.Single(t => t.Name == "mcp__everything__echo");
        Assert.Equal("""{"type":"object","properties":{"message":{"type":"string"}},"required":["message"]}""", offered.ParametersSchema.ToString());
        Assert.Equal(("echo", """{"message":"hi"}"""), Assert.Single(_server.Calls));
    }

    [Fact]
    public async Task AlwaysApprovingARelayAllowsEveryLaterCallOfTheToolWhateverItsArguments()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "mcp__everything__echo", """{"message":"one"}"""))
            .ThenCalls(Call("c2", "mcp__everything__echo", """{"message":"something else entirely"}"""))
            .ThenText("done");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"echo"}]}""");
        await using var _ = connection;
        var first = await stream.ReadUntilAsync("relay");
        Assert.Equal("""{"message":"one"}""", first[^1].Json.GetProperty("params").GetRawText());
        await host.AnswerAsync(first[^1].Field("id")!, first[0].Field("sessionId")!, """{"approved":true,"always":true}""");
        var rest = await stream.ReadAllEventsAsync();

        Assert.DoesNotContain(rest, e => e.Name == "relay");
        Assert.Equal(
            ["""{"context":"Echo: one"}""", """{"context":"Echo: something else entirely"}"""],
            rest.Where(e => e.Name == "tool_result").Select(e => e.Json.GetProperty("output").GetRawText()));
    }

    [Fact]
    public async Task ADeniedCallNeverReachesTheServer()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__echo", """{"message":"hi"}""")).ThenText("done");
        await using var host = await StartAsync(model);

        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"echo"}],"permissions":{"deny":[{"tool":"mcp__everything__echo","reason":"no echoes"}]}}
            """);
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();

        Assert.Equal("""{"status":"denied","reason":"no echoes"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        Assert.Empty(_server.Calls);
    }

    [Fact]
    public async Task ACallPastTheTimeoutIsAnErrorResultAndTheSessionGoesOn()
    {
        var called = new TaskCompletionSource();
        _server.Answer = async (_, _, _, token) =>
        {
            called.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return FakeMcpServer.Text("never");
        };
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__wait", "{}")).ThenText("done");
        await using var host = await StartAsync(model);

        var run = RunAllowedAsync(host, "mcp__everything__wait");
        await called.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _clock.Advance(McpOptions.Default.ToolTimeout);
        var events = await run;

        Assert.Equal("""{"error":"mcp__everything__wait timed out after 60 s"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        Assert.Equal("harness_end", events[^1].Name);
    }

    [Fact]
    public async Task ProgressStreamsAsToolProgressBeforeTheResult()
    {
        _server.Answer = (_, _, progress, _) =>
        {
            progress.Report(new ProgressNotificationValue { Progress = 1, Total = 2, Message = "half" });
            progress.Report(new ProgressNotificationValue { Progress = 2, Total = 2 });
            return Task.FromResult(FakeMcpServer.Text("finished"));
        };
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__wait", "{}")).ThenText("done");
        await using var host = await StartAsync(model);

        var events = await RunAllowedAsync(host, "mcp__everything__wait");

        var progress = events.FindIndex(e => e.Name == "tool_progress");
        Assert.InRange(progress, 0, events.FindIndex(e => e.Name == "tool_result") - 1);
        Assert.StartsWith("progress 1/2: half\n", events[progress].Field("content"), StringComparison.Ordinal);
        Assert.Equal("mcp__everything__wait", events[progress].Field("name"));
    }

    [Fact]
    public async Task AnImageResultReachesTheNextModelRequestAsAnImagePart()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        _server.Answer = (_, _, _, _) => Task.FromResult(new CallToolResult
        {
            Content = [new TextContentBlock { Text = "Here is a tiny image:" }, ImageContentBlock.FromBytes(png, "image/png"), new TextContentBlock { Text = "The image above is the MCP logo." }],
        });
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__wait", "{}")).ThenText("a logo");
        await using var host = await StartAsync(model);

        var events = await RunAllowedAsync(host, "mcp__everything__wait");

        var data = Convert.ToBase64String(png);
        Assert.Equal(
            $$"""{"context":"Here is a tiny image:\nThe image above is the MCP logo.","result":[{"type":"image","mediaType":"image/png","data":"{{data}}"}]}""",
            events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        var toolMessage = model.Requests.ToArray()[1].Messages.Single(m => m.Role == ChatRole.Tool);
        Assert.Equal(
            [new ContentPart(ContentPartKind.Text, Text: "Here is a tiny image:\nThe image above is the MCP logo."), new ContentPart(ContentPartKind.Image, MediaType: "image/png", Data: data)],
            toolMessage.Content);
    }
}
