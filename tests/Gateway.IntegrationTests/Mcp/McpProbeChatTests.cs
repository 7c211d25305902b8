using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Providers;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>
/// tests/mcp-servers/probe.mjs (stdio, on the official TypeScript SDK) through POST /chat: what the server saw is in its
/// log, so a denial, a timeout's and a disconnect's cancellation, a crash and a changed tool list can be checked there.
/// </summary>
public sealed class McpProbeChatTests
{
    private const string AllowAll = """{"allowlist":[{"tool":"mcp__probe__crash"},{"tool":"mcp__probe__wait"},{"tool":"mcp__probe__add-tool"},{"tool":"mcp__probe__added"}]}""";

    [Fact]
    public async Task ADeniedCallIsNeverSentToTheServer()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__probe__wait", """{"ms":1}""")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Probe, model);
        await mcp.ReadyAsync("probe");

        var events = await mcp.ChatAsync("""{"deny":[{"tool":"mcp__probe__wait"}]}""");

        Assert.Equal("""{"status":"denied"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        Assert.DoesNotContain(mcp.ProbeLines(), line => line.StartsWith("start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACallThatOutlivesMcpToolTimeoutIsCancelledAtTheServerAndFails()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__probe__wait", """{"ms":60000}""")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Probe, model, clock: clock);
        await mcp.ReadyAsync("probe");
        var (connection, stream) = await mcp.OpenChatAsync("""{"allowlist":[{"tool":"mcp__probe__wait"}]}""");
        await using var _ = connection;

        var started = await mcp.ProbeLineAsync("start ");
        clock.Advance(TimeSpan.FromSeconds(60));

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal("""{"error":"mcp__probe__wait timed out after 60 s"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        Assert.Equal("cancelled " + started["start ".Length..], await mcp.ProbeLineAsync("cancelled "));
    }

    [Fact]
    public async Task AClientThatLeavesCancelsTheCallAtTheServerWhichServesTheNextSession()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "mcp__probe__wait", """{"ms":60000}"""))
            .ThenCalls(Call("c2", "mcp__probe__wait", """{"ms":1}"""))
            .ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Probe, model);
        await mcp.ReadyAsync("probe");
        var (connection, _) = await mcp.OpenChatAsync("""{"allowlist":[{"tool":"mcp__probe__wait"}]}""");
        var started = await mcp.ProbeLineAsync("start ");

        // SPEC §6: the session and what it runs end within a second of the client leaving; the server is told.
        await mcp.Chat.DisconnectWithinAsync(connection, TimeSpan.FromSeconds(1));
        Assert.Equal("cancelled " + started["start ".Length..], await mcp.ProbeLineAsync("cancelled "));

        var events = await mcp.ChatAsync("""{"allowlist":[{"tool":"mcp__probe__wait"}]}""");
        Assert.Equal("""{"context":"waited"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task AServerThatCrashesMidCallFailsTheCallAndIsRestarted()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "mcp__probe__crash", "{}"))
            .ThenText("it crashed")
            .ThenCalls(Call("c2", "mcp__probe__wait", """{"ms":1}"""))
            .ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Probe, model);
        var first = await mcp.ReadyAsync("probe");

        var events = await mcp.ChatAsync(AllowAll);

        var error = events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetProperty("error").GetString();
        Assert.StartsWith("mcp__probe__crash: ", error, StringComparison.Ordinal);
        Assert.Contains("exited", error, StringComparison.Ordinal);
        var again = await mcp.ServerAsync("probe", s => s.GetProperty("state").GetString() == "ready" && s.GetProperty("restarts").GetInt32() == 1, "ready again");
        Assert.NotEqual(first.GetProperty("pid").GetInt32(), again.GetProperty("pid").GetInt32());
        Assert.Contains("exited", again.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        events = await mcp.ChatAsync(AllowAll);
        Assert.Equal("""{"context":"waited"}""", events.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task AToolTheServerAddsIsOfferedOnceItSaysItsListChanged()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__probe__add-tool", """{"name":"added"}"""));
        await using var mcp = await McpTestHost.StartAsync(McpTestHost.Probe, model);
        await mcp.ReadyAsync("probe");
        // The next turn waits until the server was listed again (notifications/tools/list_changed), then calls the new tool.
        var listed = mcp.ServerAsync("probe", s => s.GetProperty("tools").EnumerateArray().Any(t => t.GetProperty("name").GetString() == "mcp__probe__added"), "listing added");
        model.Then(After(listed, ProviderEvent.ToolCalled(Call("c2", "mcp__probe__added", "{}")))).ThenText("done");

        var events = await mcp.ChatAsync(AllowAll);

        Assert.Equal(
            ["""{"context":"added added"}""", """{"context":"added ran"}"""],
            events.Where(e => e.Name == "tool_result").Select(e => e.Json.GetProperty("output").GetRawText()));
        Assert.DoesNotContain(model.Requests.First().Tools, t => t.Name == "mcp__probe__added");
        Assert.Contains(model.Requests.Last().Tools, t => t.Name == "mcp__probe__added");
    }
}
