using System.Diagnostics;
using System.Runtime.CompilerServices;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Building blocks for agent-loop tests: tool calls, gated model turns, bounded polling, relay answers.</summary>
internal static class AgentScript
{
    /// <summary>The longest a test waits on something the server is expected to do promptly.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>A tool call as a model makes it: its raw provider id, the tool's name and its JSON arguments.</summary>
    public static ToolCallRequest Call(string id, string name, string argumentsJson) => new(id, name, RawJson.Parse(argumentsJson));

    /// <summary>A model turn that waits for <paramref name="gate"/> (at most <see cref="Patience"/>, then fails the turn) and then streams events.</summary>
    public static Func<ModelTurnRequest, CancellationToken, IAsyncEnumerable<ProviderEvent>> After(Task gate, params ProviderEvent[] events) =>
        (_, token) => AfterAsync(gate, events, token);

    /// <summary>A turn of tool calls made when the model is called, so they can name what the test learned meanwhile.</summary>
    public static Func<ModelTurnRequest, CancellationToken, IAsyncEnumerable<ProviderEvent>> CallsWhenCalled(Func<ToolCallRequest[]> calls) =>
        (request, token) => After(Task.CompletedTask, [.. calls().Select(ProviderEvent.ToolCalled), ProviderEvent.UsageReported(new TokenUsage(5, 1))])(request, token);

    /// <summary>
    /// A session with one subagent, turns taken in call order: the root calls <c>agent {"task":"look around"}</c> (a1), the
    /// subagent calls <c>echo {"text":"inside"}</c> (s1) then answers "found it", the root answers "all done".
    /// </summary>
    public static ScriptedModelProvider SubagentThatEchoes() => new ScriptedModelProvider()
        .ThenCalls(Call("a1", "agent", """{"task":"look around"}"""))
        .ThenCalls(Call("s1", "echo", """{"text":"inside"}"""))
        .ThenText("found it")
        .ThenText("all done");

    /// <summary>Text in one piece followed by usage, the way <see cref="ScriptedModelProvider.ThenText"/> ends a turn.</summary>
    public static ProviderEvent[] Text(string text) => [ProviderEvent.TextDelta(text), ProviderEvent.UsageReported(new TokenUsage(10, 1))];

    /// <summary>Polls until <paramref name="condition"/> holds; fails when <paramref name="limit"/> passes first. Returns the time taken.</summary>
    public static async Task<TimeSpan> WithinAsync(TimeSpan limit, Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Not within {limit.TotalMilliseconds} ms: {what}");
            }
            await Task.Delay(10);
        }
        return clock.Elapsed;
    }

    /// <summary>
    /// SPEC §6 [Gateway]: the client leaves, and within <paramref name="limit"/> of it what the session had running
    /// (<paramref name="stopped"/>, when given) has stopped and the session is removed, its orchestrator returned.
    /// </summary>
    public static async Task DisconnectWithinAsync(this ChatTestHost host, RawConnection connection, TimeSpan limit, Task? stopped = null)
    {
        var clock = Stopwatch.StartNew();
        await connection.DisposeAsync();
        await (stopped ?? Task.CompletedTask).WaitAsync(limit);
        await WithinAsync(limit - clock.Elapsed, () => host.SessionsGone, "the session is removed and its orchestrator returned");
        Assert.True(clock.Elapsed < limit, $"Took {clock.Elapsed.TotalMilliseconds} ms");
    }

    /// <summary>Answers a relay and checks the 200 <c>{"success":true}</c> of SPEC §4.</summary>
    public static async Task AnswerAsync(this ChatTestHost host, string relayId, string sessionId, string responseJson)
    {
        var response = await host.AnswerRelayAsync(relayId, $$"""{"sessionId":"{{sessionId}}","response":{{responseJson}}}""");
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("""{"success":true}""", response.Body);
    }

    /// <summary>POSTs a JSON body on a new connection and reads the whole (non-streamed) response.</summary>
    public static async Task<RawResponse> PostForResponseAsync(this ChatTestHost host, string path, string body)
    {
        await using var connection = await host.PostAsync(path, body);
        return await connection.ReadResponseAsync();
    }

    private static async IAsyncEnumerable<ProviderEvent> AfterAsync(Task gate, ProviderEvent[] events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var opened = true;
        try
        {
            await gate.WaitAsync(Patience, cancellationToken);
        }
        catch (TimeoutException)
        {
            opened = false;
        }
        if (!opened)
        {
            yield return ProviderEvent.Failed("the test's gate did not open");
            yield break;
        }
        foreach (var item in events)
        {
            yield return item;
        }
    }
}
