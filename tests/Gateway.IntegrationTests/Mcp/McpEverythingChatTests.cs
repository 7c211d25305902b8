using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>server-everything's tools (stdio, from npm) called through POST /chat by a scripted model or an OpenAI upstream: permissions, relays, progress, images.</summary>
public sealed class McpEverythingChatTests
{
    [Fact]
    public async Task AnAllowlistedToolRunsWithoutARelayAndItsTextIsTheContext()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__echo", """{"message":"hi"}""")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Everything, model);
        await mcp.ReadyAsync("everything");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__everything__echo"}]}""");

        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Equal(("mcp__everything__echo", """{"message":"hi"}"""), (events[3].Field("name"), events[3].Json.GetProperty("input").GetRawText()));
        Assert.Equal("""{"context":"Echo: hi"}""", events[4].Json.GetProperty("output").GetRawText());
        var offered = model.Requests.First().Tools.Single(t => t.Name == "mcp__everything__echo");
        Assert.Equal("Echoes back the input string", offered.Description);
        Assert.DoesNotContain("$schema", offered.ParametersSchema.ToString(), StringComparison.Ordinal);
        Assert.Equal("Echo: hi", model.Requests.ToArray()[1].Messages[^1].Text);
    }

    [Fact]
    public async Task WithMcpSandboxBwrapTheServerRunsInBubblewrapWithOnlyTheAllowedVariables()
    {
        RequiredTool.Path("bwrap", "bubblewrap");
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__get-env", "{}")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Everything, model, sandbox: "bwrap");
        var ready = await mcp.ReadyAsync("everything");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__everything__get-env"}]}""");

        // The process the gateway started (setsid and prlimit exec onwards) is bwrap, holding the server in its namespaces.
        var pid = ready.GetProperty("pid").GetInt32();
        Assert.Contains("bwrap", File.ReadAllText($"/proc/{pid}/cmdline").Split('\0'));
        using var environment = JsonDocument.Parse(events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("context").GetString()!);
        Assert.Subset(
            new HashSet<string> { "PATH", "LANG", "LC_ALL", "TZ", "TERM", "HOME", "PWD" },
            environment.RootElement.EnumerateObject().Select(v => v.Name).ToHashSet());
    }

    [Fact]
    public async Task EnabledToolsGlobsChooseWhichToolsAreOfferedAndTheAdminViewSaysWhyTheOthersAreNot()
    {
        var model = new ScriptedModelProvider().ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(
            McpTestHost.Everything, model, agents: new AgentOptions { EnabledTools = new HashSet<string>(), McpToolPatterns = ["mcp__everything__get-*", "mcp__nowhere__tool"] });
        var ready = await mcp.ReadyAsync("everything");

        await mcp.ChatAsync("{}");

        var offered = model.Requests.Single().Tools.Select(t => t.Name).ToArray();
        Assert.Contains("mcp__everything__get-sum", offered);
        Assert.All(offered, name => Assert.StartsWith("mcp__everything__get-", name, StringComparison.Ordinal));
        var echo = ready.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("original").GetString() == "echo");
        Assert.Equal("not enabled by ENABLED_TOOLS", echo.GetProperty("dropped").GetString());
    }

    [Fact]
    public async Task AnOpenAiUpstreamIsOfferedTheCleanedSchemaAndReadsTheResult()
    {
        using var http = new UpstreamHttp(ProviderTestKit.FastOptions);
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"object":"list","data":[{"id":"gpt-test","object":"model"}]}"""),
            UpstreamReply.Sse("""
                data: {"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"mcp__everything__echo","arguments":"{\"message\":\"hi\"}"}}]},"finish_reason":null}]}

                data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                data: [DONE]


                """),
            UpstreamReply.Sse("""
                data: {"choices":[{"index":0,"delta":{"content":"It said hi."},"finish_reason":"stop"}]}

                data: [DONE]


                """));
        await using var mcp = await McpTestHost.StartAsync(
            McpTestHost.Everything, upstreams: [new OpenAiCompatibleProvider("upstream", upstream.Url("/v1"), "sk-test", http)]);
        await mcp.ReadyAsync("everything");

        var (connection, stream) = await mcp.OpenChatAsync("""{"allowlist":[{"tool":"mcp__everything__echo"}]}""", model: "gpt-test");
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();

        Assert.Equal("""{"context":"Echo: hi"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        using var first = JsonDocument.Parse(upstream.Requests[1].Body);
        var echo = first.RootElement.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("function").GetProperty("name").GetString() == "mcp__everything__echo");
        Assert.Equal(
            """{"type":"object","properties":{"message":{"type":"string","description":"Message to echo"}},"required":["message"]}""",
            echo.GetProperty("function").GetProperty("parameters").GetRawText());
        using var second = JsonDocument.Parse(upstream.Requests[^1].Body);
        var toolMessage = second.RootElement.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal(("call_1", "Echo: hi"), (toolMessage.GetProperty("tool_call_id").GetString(), toolMessage.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task ARelayApprovedWithAlwaysAllowsTheToolByNameForTheRestOfTheSession()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "mcp__everything__get-sum", """{"a":2,"b":3}"""))
            .ThenCalls(Call("c2", "mcp__everything__get-sum", """{"a":40,"b":2}"""))
            .ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Everything, model);
        await mcp.ReadyAsync("everything");
        var (connection, stream) = await mcp.OpenChatAsync("{}");
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        var relay = head[^1];
        Assert.Equal(("mcp__everything__get-sum", """{"a":2,"b":3}"""), (relay.Field("tool"), relay.Json.GetProperty("params").GetRawText()));
        await mcp.Chat.AnswerAsync(relay.Field("id")!, head[0].Field("sessionId")!, """{"approved":true,"always":true}""");

        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_call", "tool_result", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal("""{"context":"The sum of 2 and 3 is 5."}""", rest[1].Json.GetProperty("output").GetRawText());
        Assert.Equal("""{"context":"The sum of 40 and 2 is 42."}""", rest[4].Json.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task ProgressNotificationsStreamAsToolProgressBeforeTheResult()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "mcp__everything__trigger-long-running-operation", """{"duration":2,"steps":4}"""))
            .ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Everything, model);
        await mcp.ReadyAsync("everything");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__everything__trigger-long-running-operation"}]}""");

        // MCP does not order the last notification before the answer (design trap 2): at least one comes first, none after.
        var progress = events.SkipWhile(e => e.Name != "tool_call").Skip(1).TakeWhile(e => e.Name == "tool_progress").ToList();
        Assert.NotEmpty(progress);
        Assert.StartsWith("progress 1/4", progress[0].Field("content"), StringComparison.Ordinal);
        Assert.Equal("tool_result", events[events.IndexOf(progress[^1]) + 1].Name);
        Assert.DoesNotContain(events.SkipWhile(e => e.Name != "tool_result"), e => e.Name == "tool_progress");
        Assert.Equal(
            """{"context":"Long running operation completed. Duration: 2 seconds, Steps: 4."}""",
            events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task AnImageResultReachesTheNextModelRequestAsAnImagePartAndItsTextsAsContext()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__get-tiny-image", "{}")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Everything, model);
        await mcp.ReadyAsync("everything");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__everything__get-tiny-image"}]}""");

        var output = events.Single(e => e.Name == "tool_result").Json.GetProperty("output");
        Assert.Equal("Here's the image you requested:\nThe image above is the MCP logo.", output.GetProperty("context").GetString());
        var image = Assert.Single(output.GetProperty("result").EnumerateArray());
        Assert.Equal(("image", "image/png"), (image.GetProperty("type").GetString(), image.GetProperty("mediaType").GetString()));
        var part = model.Requests.ToArray()[1].Messages.SelectMany(m => m.Content).Single(p => p.Kind == ContentPartKind.Image);
        Assert.Equal(("image/png", image.GetProperty("data").GetString()), (part.MediaType, part.Data));
    }

    [Fact]
    public async Task AnEmbeddedResourceIsText()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__everything__get-resource-reference", """{"resourceType":"Text","resourceId":1}""")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Everything, model);
        await mcp.ReadyAsync("everything");

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__everything__get-resource-reference"}]}""");

        var context = events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("context").GetString();
        Assert.StartsWith(
            "Returning resource reference for Resource 1:\n[resource demo://resource/dynamic/text/1]\nResource 1: This is a plaintext resource created at ",
            context, StringComparison.Ordinal);
    }
}
