using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Mock;
using Gateway.Server;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Primitives;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests;

/// <summary>GATEWAY_KEYS_FILE's <c>models</c> (requests and listings) and <c>maxConcurrentSessions</c> (issue 14), over real requests to the mock models.</summary>
public sealed class KeySessionTests
{
    private const string Key = "Authorization: Bearer team-secret\r\n";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AModelOutsideTheKeysGlobsIs403InEachDoorsShape()
    {
        await using var host = await StartAsync(new CountingClock(), TimeSpan.Zero, maxSessions: null);

        var chat = await PostAsync(host, "/chat", MockModels.Ask("hi").Replace(MockModels.Model, "mock-2", StringComparison.Ordinal));
        var completion = await PostAsync(host, "/v1/chat/completions", MockModels.Ask("hi").Replace(MockModels.Model, "mock-2", StringComparison.Ordinal));
        var message = await PostAsync(host, "/v1/messages", MockModels.Ask("hi", ",\"max_tokens\":10").Replace(MockModels.Model, "mock-2", StringComparison.Ordinal));
        var count = await PostAsync(host, "/v1/messages/count_tokens", MockModels.Ask("hi").Replace(MockModels.Model, "mock-2", StringComparison.Ordinal));
        var summary = await PostAsync(host, "/summarize", MockModels.Ask("hi").Replace(MockModels.Model, "mock-2", StringComparison.Ordinal));
        var allowed = await PostAsync(host, "/chat", MockModels.Ask("hi"));

        Assert.Equal(403, chat.StatusCode);
        Assert.Equal("""{"error":"Model not allowed for this key: mock-2"}""", chat.Body);
        Assert.Equal((403, chat.Body), (summary.StatusCode, summary.Body));
        Assert.Equal(403, completion.StatusCode);
        Assert.Equal(
            """{"error":{"message":"The model 'mock-2' is not allowed for this key","type":"invalid_request_error","param":"model","code":"model_not_allowed"}}""",
            completion.Body);
        Assert.Equal(
            (403, 403, """{"type":"error","error":{"type":"permission_error","message":"The model 'mock-2' is not allowed for this key"}}"""),
            (message.StatusCode, count.StatusCode, message.Body));
        Assert.Equal(200, allowed.StatusCode);
    }

    [Fact]
    public async Task TheListingsShowOnlyTheModelsTheKeyMayUse()
    {
        await using var host = await StartAsync(new CountingClock(), TimeSpan.Zero, maxSessions: null);

        var models = await host.GetAsync("/models", Key);
        var openAi = await host.GetAsync("/v1/models", Key);

        Assert.Equal("""{"models":["mock-1"]}""", models.Body);
        Assert.Equal(["mock-1"], JsonDocument.Parse(openAi.Body).RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(200, (await host.GetAsync("/v1/models/mock-1", Key)).StatusCode);
        Assert.Equal(404, (await host.GetAsync("/v1/models/mock-2", Key)).StatusCode); // Not found for this key, as OpenAI answers.
        Assert.Equal(404, (await host.GetAsync("/v1/models/mock%2Fmock-2", Key)).StatusCode);
    }

    [Fact]
    public async Task AProviderGlobAllowsTheProvidersModelsNamedWithOrWithoutItsPrefix()
    {
        await using var host = await StartAsync(new CountingClock(), TimeSpan.Zero, maxSessions: null, models: ["mock/*"]);

        Assert.Equal(200, (await PostAsync(host, "/v1/chat/completions", MockModels.Ask("hi"))).StatusCode);
        Assert.Equal(200, (await PostAsync(host, "/v1/chat/completions", MockModels.Ask("hi").Replace(MockModels.Model, "mock/mock-2", StringComparison.Ordinal))).StatusCode);
        Assert.Equal("""{"models":["mock-1","mock-2"]}""", (await host.GetAsync("/models", Key)).Body);
    }

    [Fact]
    public async Task ManyParallelSessionsOfOneKeyAdmitNoMoreThanItsLimitAndReleaseTheirPlaceAtTheEnd()
    {
        var clock = new CountingClock();
        await using var host = await StartAsync(clock, TimeSpan.FromMinutes(1), maxSessions: 2);

        // Through /chat, /v1 and /summarize in turn: every door counts against the same limit. All are sent before any answer is
        // read, and each answer is read whole, so an admitted session holds its place until the clock is stepped.
        var connections = new List<RawConnection>();
        for (var i = 0; i < 20; i++)
        {
            connections.Add(await SendAsync(host, (i % 3) switch { 0 => "/chat", 1 => "/v1/chat/completions", _ => "/summarize" }, MockModels.Ask($"q{i}")));
        }
        RawResponse[] responses;
        try
        {
            var requests = connections.Select(c => c.ReadWholeResponseAsync()).ToList();
            // The 18 refused answer at once; the 2 admitted wait on the fake clock until it is stepped.
            var pending = requests.ToList();
            for (var refused = 0; refused < 18; refused++)
            {
                pending.Remove(await Task.WhenAny(pending).WaitAsync(s_bound));
            }
            // Stepping the clock before the admitted turns' timers exist would skip them.
            await WithinAsync(s_bound, () => clock.Timers == 2, "the two admitted sessions wait on the clock");
            clock.Advance(TimeSpan.FromMinutes(1));
            responses = await Task.WhenAll(requests).WaitAsync(s_bound);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        Assert.Equal(2, responses.Count(r => r.StatusCode == 200));
        Assert.All(responses.Where(r => r.StatusCode != 200), r =>
        {
            Assert.Equal(429, r.StatusCode);
            Assert.Equal("1", r.Header("Retry-After"));
            Assert.Contains("Too many concurrent sessions for this key: it may run 2 at once", r.Body, StringComparison.Ordinal);
        });

        var next = PostAsync(host, "/chat", MockModels.Ask("after"));
        await WithinAsync(s_bound, () => clock.Timers == 3, "the next session, admitted, waits on the clock");
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(200, (await next.WaitAsync(s_bound)).StatusCode);
    }

    private static Task<GatewayHost> StartAsync(CountingClock clock, TimeSpan timeToFirstToken, int? maxSessions, string[]? models = null) =>
        GatewayHost.StartAsync(
            new GatewayOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                Keys = [new ClientKey("team", SHA256.HashData(Encoding.UTF8.GetBytes("team-secret"))) { Models = models ?? [MockModels.Model], MaxConcurrentSessions = maxSessions }],
                Http = TestServer.FastOptions,
            },
            [MockModels.Provider(tokens: 4, clock: clock, timeToFirstToken: timeToFirstToken)],
            GatewayLog.Silent);

    /// <summary>Posts with the key and reads the whole answer, a stream's to its last chunk (leaving would end the session).</summary>
    private static async Task<RawResponse> PostAsync(GatewayHost host, string path, string body)
    {
        await using var connection = await SendAsync(host, path, body);
        return await connection.ReadWholeResponseAsync();
    }

    private static async Task<RawConnection> SendAsync(GatewayHost host, string path, string body)
    {
        var connection = await host.ConnectAsync();
        await connection.SendAsync($"POST {path} HTTP/1.1\r\nHost: test\r\n{Key}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
        return connection;
    }
}
