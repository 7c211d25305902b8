using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Mock;
using Gateway.IntegrationTests.Providers;
using Gateway.Server;
using Gateway.Server.Configuration;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.Upstream;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Metrics.Exposition;

namespace Gateway.IntegrationTests;

/// <summary>
/// GATEWAY_KEYS_FILE's <c>tokensPerDay</c> (issue 14) over real requests: usage counted from what the model reported,
/// a running session ended after the turn that spent the budget, new requests refused until UTC midnight, and the
/// key's series in /metrics.
/// </summary>
public sealed class KeyTokenTests
{
    private const string Secret = "team-secret";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    /// <summary>30 s before a UTC midnight: a refusal's Retry-After is known exactly.</summary>
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 23, 59, 30, TimeSpan.Zero));

    [Fact]
    public async Task ARunningSessionEndsWithAnErrorEventAfterTheTurnThatSpentTheBudget()
    {
        // The first turn calls a tool and reports 5 + 1 tokens: all of the budget, so no tool runs and no second turn comes.
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "echo", """{"text":"x"}""")).ThenText("never");
        await using var host = await StartAsync(model, tokensPerDay: 6);

        var response = await PostAsync(host, "/chat", """{"model":"test-model","messages":[{"role":"user","content":"go"}]}""");

        Assert.Equal(200, response.StatusCode);
        var events = MockModels.ParseEvents(response.Body);
        Assert.Equal(["usage", "error", "harness_end"], events.TakeLast(3).Select(e => e.Name));
        var error = events[^2];
        Assert.Equal("Token budget spent: this key has used its tokens for the day (UTC); the session ends here", error.Field("message"));
        Assert.Null(error.Field("runId")); // SPEC §5: a failure of the session itself carries only its message.
        Assert.Equal("error", events[^1].Field("reason"));
        Assert.DoesNotContain(events, e => e.Name == "tool_result");
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task SessionsRunningWhenTheBudgetIsSpentEachOvershootByTheirTurnAndNoMore()
    {
        // Three sessions are admitted while the key has all its tokens; their first turns (5 + 1 tokens each, each the whole budget) end together.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new ScriptedModelProvider();
        for (var i = 0; i < 3; i++)
        {
            model.Then(After(gate.Task, ProviderEvent.ToolCalled(Call($"c{i}", "echo", """{"text":"x"}""")), ProviderEvent.UsageReported(new TokenUsage(5, 1))));
        }
        await using var host = await StartAsync(model, tokensPerDay: 6);
        var sessions = Enumerable.Range(0, 3)
            .Select(_ => PostAsync(host, "/chat", """{"model":"test-model","messages":[{"role":"user","content":"go"}]}"""))
            .ToList();
        await WithinAsync(s_bound, () => model.Requests.Count == 3, "the three sessions' first turns have started");
        var running = await host.GetAsync("/metrics", $"Authorization: Bearer {Secret}\r\n");
        Assert.Equal(3, Value(running.Body, """gateway_key_sessions_active{key="team"}"""));

        gate.SetResult();
        var responses = await Task.WhenAll(sessions).WaitAsync(s_bound);

        Assert.All(responses, r => Assert.Equal(["usage", "error", "harness_end"], MockModels.ParseEvents(r.Body).TakeLast(3).Select(e => e.Name)));
        Assert.Equal(3, model.Requests.Count); // No session took a second turn: 18 tokens used of 6, each session's own turn and no more.
        var after = (await host.GetAsync("/metrics", $"Authorization: Bearer {Secret}\r\n")).Body;
        Assert.Equal(15, Value(after, """gateway_key_tokens_total{key="team",kind="input"}"""));
        Assert.Equal(0, Value(after, """gateway_key_sessions_active{key="team"}"""));
    }

    [Fact]
    public async Task ASpentKeyIsRefusedAtBothDoorsUntilUtcMidnightThenAdmittedAgain()
    {
        var model = new ScriptedModelProvider().ThenText("a", "b").ThenText("c");
        await using var host = await StartAsync(model, tokensPerDay: 12);

        Assert.Equal(200, (await PostAsync(host, "/chat", Ask)).StatusCode); // 10 + 2 tokens: the budget, exactly.
        var chat = await PostAsync(host, "/chat", Ask);
        var completion = await PostAsync(host, "/v1/chat/completions", Ask);

        Assert.Equal(429, chat.StatusCode);
        Assert.Equal("30", chat.Header("Retry-After"));
        Assert.Equal("""{"error":"Token budget spent: this key may use 12 tokens per day (UTC)"}""", chat.Body);
        Assert.Equal(429, completion.StatusCode);
        Assert.Equal("30", completion.Header("Retry-After"));
        Assert.Equal(
            """{"error":{"message":"Token budget spent: this key may use 12 tokens per day (UTC)","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""",
            completion.Body);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("1", (await PostAsync(host, "/chat", Ask)).Header("Retry-After"));
        _clock.Advance(TimeSpan.FromSeconds(1)); // 00:00:00 UTC: a new day.
        Assert.Equal(200, (await PostAsync(host, "/v1/chat/completions", Ask)).StatusCode);
        Assert.Single(model.Requests.Skip(1)); // Only the new day's request reached the model.
    }

    [Fact]
    public async Task OnceSpentNoneOfManyParallelRequestsIsAdmitted()
    {
        var model = new ScriptedModelProvider().ThenText("spends it all");
        await using var host = await StartAsync(model, tokensPerDay: 5);
        Assert.Equal(200, (await PostAsync(host, "/chat", Ask)).StatusCode);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => PostAsync(host, i % 2 == 0 ? "/chat" : "/v1/chat/completions", Ask)))).WaitAsync(s_bound);

        Assert.All(responses, r => Assert.Equal(429, r.StatusCode));
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task ASessionWithinItsBudgetRunsToItsEnd()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "echo", """{"text":"x"}""")).ThenText("done").ThenText("more");
        await using var host = await StartAsync(model, tokensPerDay: 18);

        var events = MockModels.ParseEvents((await PostAsync(host, "/chat", """{"model":"test-model","messages":[{"role":"user","content":"go"}]}""")).Body);

        Assert.DoesNotContain(events, e => e.Name == "error");
        Assert.Equal(2, model.Requests.Count); // 6 + 11 tokens: one left, so the key is still admitted.
        Assert.Equal(200, (await PostAsync(host, "/v1/chat/completions", Ask)).StatusCode);
    }

    [Fact]
    public async Task MetricsCountEachKeysRequestsRefusalsAndTokensByNameAndPromtoolAcceptsThem()
    {
        var promtool = Promtool.Find();
        var model = new ScriptedModelProvider().ThenText("a", "b");
        await using var host = await StartAsync(model, tokensPerDay: 12);

        await PostAsync(host, "/chat", Ask); // 10 input + 2 output tokens
        await PostAsync(host, "/chat", Ask); // refused: tokens
        await PostAsync(host, "/chat", Ask.Replace("test-model", "other-model", StringComparison.Ordinal)); // refused: model (403)
        var body = (await host.GetAsync("/metrics", $"Authorization: Bearer {Secret}\r\n")).Body;

        Assert.Equal(
            """
            # HELP gateway_key_requests_total Requests that presented a client key and reached their route, admitted or refused by one of its limits.
            # TYPE gateway_key_requests_total counter
            gateway_key_requests_total{key="team"} 4
            # HELP gateway_key_refusals_total Requests a client key's limit refused, by limit (rate, sessions, tokens, model).
            # TYPE gateway_key_refusals_total counter
            gateway_key_refusals_total{key="team",reason="model"} 1
            gateway_key_refusals_total{key="team",reason="rate"} 0
            gateway_key_refusals_total{key="team",reason="sessions"} 0
            gateway_key_refusals_total{key="team",reason="tokens"} 1
            # HELP gateway_key_tokens_total Tokens of the model calls a client key made, by kind (input, cached input included; output).
            # TYPE gateway_key_tokens_total counter
            gateway_key_tokens_total{key="team",kind="input"} 10
            gateway_key_tokens_total{key="team",kind="output"} 2
            # HELP gateway_key_sessions_active /chat sessions and /v1 completions running now, by client key.
            # TYPE gateway_key_sessions_active gauge
            gateway_key_sessions_active{key="team"} 0

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            Families(body, "gateway_key_requests_total", "gateway_key_refusals_total", "gateway_key_tokens_total", "gateway_key_sessions_active"));
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret))), body, StringComparison.OrdinalIgnoreCase);

        await Promtool.AssertValidAsync(promtool, body);
    }

    [Fact]
    public async Task CachedInputThatTheProviderCountsApartIsInputAllTheSame()
    {
        // Anthropic's input_tokens 25 leave out cache reads (10) and writes (7): the key is charged 42 input tokens, and 42 output.
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"data":[{"type":"model","id":"claude-test"}],"has_more":false}"""), UpstreamReply.Sse(AnthropicStreamScripts.Full));
        using var http = new UpstreamHttp(ProviderTestKit.FastOptions);
        await using var host = await StartAsync(new ScriptedModelProvider(), tokensPerDay: 84, new AnthropicProvider("anthropic", upstream.Url(), "sk-ant-test", http));

        Assert.Equal(200, (await PostAsync(host, "/v1/chat/completions", """{"model":"claude-test","messages":[{"role":"user","content":"hi"}]}""")).StatusCode);

        var body = (await host.GetAsync("/metrics", $"Authorization: Bearer {Secret}\r\n")).Body;
        Assert.Equal(42, Value(body, """gateway_key_tokens_total{key="team",kind="input"}"""));
        Assert.Equal(42, Value(body, """gateway_key_tokens_total{key="team",kind="output"}"""));
        Assert.Equal(429, (await PostAsync(host, "/v1/chat/completions", """{"model":"claude-test","messages":[{"role":"user","content":"hi"}]}""")).StatusCode);
    }

    private const string Ask = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    private Task<GatewayHost> StartAsync(ScriptedModelProvider model, long tokensPerDay, IModelProvider? upstream = null) =>
        GatewayHost.StartAsync(
            new GatewayOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                Keys = [new ClientKey("team", SHA256.HashData(Encoding.UTF8.GetBytes(Secret))) { Models = ["test-model", "anthropic/*"], TokensPerDay = tokensPerDay }],
                Clock = _clock,
                Http = TestServer.FastOptions,
            },
            [model, new ScriptedModelProvider("others", "other-model"), .. upstream is null ? [] : new[] { upstream }],
            GatewayLog.Silent,
            NoToolRegistry.Instance,
            new GatewayMetrics(new FakeTimeProvider()));

    /// <summary>Posts with the key and reads the whole answer, a stream's to its last chunk (leaving would end the session).</summary>
    private static async Task<RawResponse> PostAsync(GatewayHost host, string path, string body)
    {
        await using var connection = await host.ConnectAsync();
        await connection.SendAsync(
            $"POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {Secret}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
        return await connection.ReadWholeResponseAsync();
    }
}
