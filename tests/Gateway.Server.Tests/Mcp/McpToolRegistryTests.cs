using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Diagnostics;
using Gateway.Server.Mcp;
using Gateway.Tools;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Tests.Mcp;

/// <summary>The MCP servers' tools as the agent loop sees them: offered list, calls, timeouts, failures, the always rule.</summary>
public sealed class McpToolRegistryTests
{
    private static readonly McpOptions s_options = McpOptions.Default;

    private readonly FakeTimeProvider _clock = new();

    private readonly ToolContext _context = new(Path.GetTempPath());

    private static RawJson Json(string json) => RawJson.Parse(json);

    private McpToolRegistry Registry(IReadOnlyList<string>? patterns = null, params IMcpServer[] servers) =>
        new(servers, patterns ?? [AgentOptions.AllMcpTools], s_options, GatewayLog.Silent, _clock);

    [Fact]
    public void ReadyServersToolsAreOfferedByServerThenToolWithCleanSchemas()
    {
        var everything = new FakeMcpServer("everything",
            FakeMcpServer.Tool("get-sum", """{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"a":{"type":"number"}}}""", "Adds"),
            FakeMcpServer.Tool("echo"));
        var files = new FakeMcpServer("files", FakeMcpServer.Tool("read.file"));
        var down = new FakeMcpServer("down", FakeMcpServer.Tool("x"));
        down.Set(McpServerStatus.Backoff);

        var registry = Registry(null, files, everything, down);

        Assert.Equal(["mcp__everything__echo", "mcp__everything__get-sum", "mcp__files__read_file"], registry.Definitions.Select(d => d.Name));
        var sum = registry.Definitions[1];
        Assert.Equal(("Adds", """{"type":"object","properties":{"a":{"type":"number"}}}"""), (sum.Description, sum.ParametersSchema.ToString()));
        Assert.True(registry.Contains("mcp__files__read_file"));
        Assert.False(registry.Contains("mcp__down__x"));
        Assert.False(registry.Contains("read"));
    }

    [Fact]
    public void EnabledToolsNamesAndGlobsNarrowTheOfferAndTheCatalogSaysWhy()
    {
        var everything = new FakeMcpServer("everything", FakeMcpServer.Tool("get-sum"), FakeMcpServer.Tool("get-tiny-image"), FakeMcpServer.Tool("echo"));
        var files = new FakeMcpServer("files", FakeMcpServer.Tool("list"), FakeMcpServer.Tool("write"));

        var registry = Registry(["mcp__everything__get-*", "mcp__files__list"], everything, files);

        Assert.Equal(["mcp__everything__get-sum", "mcp__everything__get-tiny-image", "mcp__files__list"], registry.Definitions.Select(d => d.Name));
        Assert.Contains(new McpToolOffer("everything", "echo", "mcp__everything__echo", McpToolCatalog.NotEnabled), registry.Catalog.Offers);
    }

    [Fact]
    public void AToolWhoseSchemaCannotBeCleanedIsDroppedWithItsReason()
    {
        var server = new FakeMcpServer("s", FakeMcpServer.Tool("ok"), FakeMcpServer.Tool("deep", Nested(40)));

        var registry = Registry(null, server);

        Assert.Equal(["mcp__s__ok"], registry.Definitions.Select(d => d.Name));
        Assert.Equal($"its input schema nests more than {McpSchemaCleaner.MaxDepth} levels deep", registry.Catalog.Offers.Single(o => o.Original == "deep").Dropped);
    }

    [Fact]
    public async Task DroppedToolsAndPatternsMatchingNothingAreLoggedOnceWhenTheServersAreReady()
    {
        using var output = new StringWriter();
        Tool[] tools = [FakeMcpServer.Tool("ok"), FakeMcpServer.Tool("deep", Nested(40))];
        var server = new FakeMcpServer("s");
        server.Set(McpServerStatus.Starting);
        await using (var log = new GatewayLog(LogLevel.Warning, output))
        {
            _ = new McpToolRegistry([server], ["mcp__s__*", "mcp__github__*"], s_options, log, _clock);
            server.Set(McpServerStatus.Ready, tools);
            server.Set(McpServerStatus.Ready, tools);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("mcp tool deep of server s is not offered: its input schema nests more than 32 levels deep", lines[0]);
        Assert.Contains("ENABLED_TOOLS: mcp__github__* matches no tool of the MCP servers", lines[1]);
    }

    [Fact]
    public async Task AChangeOfToolsSwapsTheListAndALaterCallOfAVanishedToolSaysWhy()
    {
        var server = new FakeMcpServer("s", FakeMcpServer.Tool("a"));
        var registry = Registry(null, server);
        var before = registry.Definitions;

        server.Set(McpServerStatus.Ready, FakeMcpServer.Tool("a"), FakeMcpServer.Tool("b"));
        var after = registry.Definitions;
        server.Set(McpServerStatus.Backoff);

        Assert.Equal(["mcp__s__a"], before.Select(d => d.Name));
        Assert.Equal(["mcp__s__a", "mcp__s__b"], after.Select(d => d.Name));
        Assert.Empty(registry.Definitions);
        // A turn that saw the older list may still call: the name is known, the call says why it cannot run.
        Assert.True(registry.Contains("mcp__s__b"));
        var result = await registry.InvokeAsync("mcp__s__b", Json("{}"), _context, CancellationToken.None);
        Assert.Equal("mcp__s__b is not available: server s is restarting", result.Error);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task ACallGoesToItsServerUnderTheToolsOwnNameWithTheArguments()
    {
        var server = new FakeMcpServer("everything", FakeMcpServer.Tool("get-sum")) { Answer = (_, _, _, _) => Task.FromResult(FakeMcpServer.Text("The sum of 2 and 3 is 5.")) };
        var registry = Registry(null, server);

        var result = await registry.InvokeAsync("mcp__everything__get-sum", Json("""{"a":2,"b":3}"""), _context, CancellationToken.None);

        Assert.Equal(("get-sum", """{"a":2,"b":3}"""), Assert.Single(server.Calls));
        Assert.Equal("The sum of 2 and 3 is 5.", result.Context);
    }

    [Fact]
    public async Task ProgressReachesTheCallsProgress()
    {
        var server = new FakeMcpServer("s", FakeMcpServer.Tool("long"))
        {
            Answer = (_, _, progress, _) =>
            {
                progress.Report(new ProgressNotificationValue { Progress = 1, Total = 2 });
                return Task.FromResult(FakeMcpServer.Text("done"));
            },
        };
        var progress = new RecordingProgress();

        await Registry(null, server).InvokeAsync("mcp__s__long", Json("{}"), _context, progress, CancellationToken.None);

        Assert.Equal("progress 1/2\n", progress.Text.ToString());
    }

    [Fact]
    public async Task ACallUnansweredPastTheTimeoutFailsAndItsServerSeesTheCancellation()
    {
        var seen = new TaskCompletionSource<CancellationToken>();
        var server = new FakeMcpServer("s", FakeMcpServer.Tool("wait"))
        {
            Answer = async (_, _, _, token) =>
            {
                seen.SetResult(token);
                await Task.Delay(Timeout.Infinite, token);
                return FakeMcpServer.Text("never");
            },
        };
        var call = Registry(null, server).InvokeAsync("mcp__s__wait", Json("{}"), _context, CancellationToken.None).AsTask();
        var token = await seen.Task.WaitAsync(TimeSpan.FromSeconds(5));

        _clock.Advance(s_options.ToolTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(token.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("mcp__s__wait timed out after 60 s", (await call.WaitAsync(TimeSpan.FromSeconds(5))).Error);
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task TheRunsCancellationIsRethrown()
    {
        var server = new FakeMcpServer("s", FakeMcpServer.Tool("wait"))
        {
            Answer = async (_, _, _, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return FakeMcpServer.Text("never");
            },
        };
        using var run = new CancellationTokenSource();
        var call = Registry(null, server).InvokeAsync("mcp__s__wait", Json("{}"), _context, run.Token).AsTask();

        await run.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData("unavailable", "mcp__s__t: server exited (code 3) during the call")]
    [InlineData("protocol", "mcp__s__t: Request failed (remote): unknown tool")]
    public async Task AnUnreachableServerOrAProtocolErrorIsAFailedResult(string kind, string expected)
    {
        Exception error = kind == "unavailable"
            ? new McpUnavailableException("server exited (code 3) during the call")
            : new McpProtocolException("Request failed (remote): unknown tool", McpErrorCode.InvalidParams);
        var server = new FakeMcpServer("s", FakeMcpServer.Tool("t")) { Answer = (_, _, _, _) => Task.FromException<CallToolResult>(error) };

        var result = await Registry(null, server).InvokeAsync("mcp__s__t", Json("{}"), _context, CancellationToken.None);

        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public async Task ArgumentsThatAreNotAnObjectAreRefusedBeforeTheServer()
    {
        var server = new FakeMcpServer("s", FakeMcpServer.Tool("t"));

        var result = await Registry(null, server).InvokeAsync("mcp__s__t", Json("[1]"), _context, CancellationToken.None);

        Assert.Equal("The arguments of mcp__s__t must be a JSON object.", result.Error);
        Assert.Empty(server.Calls);
    }

    [Fact]
    public void PermissionRulesSeeTheArgumentsAndAlwaysAllowsTheWholeTool()
    {
        IToolRegistry registry = Registry(null, new FakeMcpServer("s", FakeMcpServer.Tool("t")));
        using var arguments = JsonDocument.Parse("""{"path":"/etc/passwd","n":2}""");

        Assert.Equal("""{"path":"/etc/passwd","n":2}""", registry.PermissionView("mcp__s__t", arguments.RootElement, _context).ToString());
        var rule = registry.DeriveAlwaysRule("mcp__s__t", arguments.RootElement, _context);
        Assert.Equal("mcp__s__t", rule.Tool);
        Assert.Empty(rule.Params);
    }

    private static string Nested(int depth) =>
        """{"type":"object","properties":{"a":""" + string.Concat(Enumerable.Repeat("""{"type":"array","items":""", depth)) + "{}" + new string('}', depth + 2);

}
