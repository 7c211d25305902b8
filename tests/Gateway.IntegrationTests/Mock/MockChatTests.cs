using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Mock.MockModels;

namespace Gateway.IntegrationTests.Mock;

/// <summary>POST /chat on a mock model: the whole stream read by curl, equal requests equal text, the /tool agent loop, a bad /tool, a client leaving.</summary>
public sealed class MockChatTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("gateway-mock-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    [Fact]
    public async Task CurlReadsMockTokensTextEventsThenCountedUsageThenHarnessEnd()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(tokens: 40)]);

        var events = await CurlChatAsync(host, Ask("Tell me a story, please."));

        Assert.Equal(["connected", "harness_start", .. Enumerable.Repeat("text", 40), "usage", "harness_end"], events.Select(e => e.Name));
        var words = TextOf(events).Split(' ');
        Assert.Equal(40, words.Length);
        Assert.All(words, w => Assert.Matches("^[a-z]+$", w));
        // One input token per whitespace-separated word of the messages' text; one output token per piece.
        Assert.Equal(("5", "40"), (events[^2].Field("inputTokens"), events[^2].Field("outputTokens")));
    }

    [Fact]
    public async Task IdenticalRequestsGetIdenticalTextAndAnotherConversationAnother()
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider()]);

        var first = TextOf(await CurlChatAsync(host, Ask("What is the weather?")));
        var second = TextOf(await CurlChatAsync(host, Ask("What is the weather?")));
        var other = TextOf(await CurlChatAsync(host, Ask("What is the time?")));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task ToolCommandDrivesARelayedApprovedBashCallThenATextAnswer()
    {
        var agents = new AgentOptions { WorkspaceRoot = _workspace };
        await using var host = await ChatTestHost.StartAsync(tools: new BuiltInToolRegistry(agents.EnabledTools), agents: agents, moreProviders: [Provider(tokens: 3)]);

        var (connection, stream) = await host.OpenChatAsync(Ask("""/tool bash {"command": "echo hello"}"""));
        await using var _ = connection;
        var head = await stream.ReadUntilAsync("relay");
        Assert.Equal(["connected", "harness_start", "usage", "relay"], head.Select(e => e.Name));
        Assert.Equal(("5", "1"), (head[2].Field("inputTokens"), head[2].Field("outputTokens")));
        var relay = head[^1];
        Assert.Equal(("bash", """{"command":"echo hello"}"""), (relay.Field("tool"), relay.Json.GetProperty("params").GetRawText()));
        await host.AnswerAsync(relay.Field("id")!, head[0].Field("sessionId")!, """{"approved":true}""");

        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_call", "tool_progress", "tool_result", "text", "text", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal("hello\n", rest[1].Field("content"));
        Assert.Equal("""{"exitCode":0,"stdout":"hello\n","stderr":""}""", rest[2].Json.GetProperty("output").GetProperty("result").GetRawText());
        Assert.Equal(3, TextOf(rest).Split(' ').Length);
        // "/tool bash {"command": "echo hello"}" (5 words) and the result "stdout:\nhello\n\nexit code: 0" (5).
        Assert.Equal(("10", "3"), (rest[^2].Field("inputTokens"), rest[^2].Field("outputTokens")));
    }

    [Theory]
    [InlineData("/tool", "names no tool")]
    [InlineData("/tool bash [1,2]", "has arguments that are not a JSON object: [1,2]")]
    [InlineData("/tool bash {\"command\":", "has arguments that are not a JSON object: {\"command\":")]
    public async Task MalformedToolCommandEndsTheTurnWithAClearErrorEvent(string command, string reason)
    {
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider()]);

        var events = await CurlChatAsync(host, Ask(command));

        var error = Assert.Single(events, e => e.Name == "error");
        Assert.Equal($"The mock model's /tool command {reason}; expected '/tool <name> <JSON object of arguments>'.", error.Field("message"));
        Assert.DoesNotContain(events, e => e.Name == "text");
        Assert.Equal("harness_end", events[^1].Name);
    }

    [Fact]
    public async Task AClientThatLeavesMidAnswerStopsTheMockAndFreesTheSession()
    {
        // A slow answer on a clock nobody steps: only the client leaving can end the mock's wait.
        var clock = new CountingClock();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(tokens: 1000, clock: clock, tokensPerSecond: 1)]);
        var (connection, stream) = await host.OpenChatAsync(Ask("Go slowly."));
        await stream.ReadUntilAsync("text");
        await WithinAsync(Patience, () => clock.Timers == 1, "the mock waits for its second piece");
        Assert.Equal((1, 1), (host.Host.Sessions.Count, host.Host.Orchestrators.Rented));

        await connection.DisposeAsync();

        await WithinAsync(Patience, () => host.SessionsGone, "the session ends and its orchestrator is returned");
        Assert.Equal(1, clock.Timers);
    }

    private static async Task<List<ServerSentEvent>> CurlChatAsync(ChatTestHost host, string body)
    {
        var (exitCode, output) = await ClientProcess.RunAsync(
            "curl", "-sSN", "--max-time", "10", "-H", "Content-Type: application/json", "-d", body, $"http://{host.Host.EndPoint}/chat");
        Assert.True(exitCode == 0, $"curl exited {exitCode}: {output}");
        return ParseEvents(output);
    }
}
