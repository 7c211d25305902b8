using System.Net;
using System.Net.Sockets;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// Issue 20, many instances on Redis: gateway processes behind a round-robin front share a real redis-server; a relay
/// answer reaches its session wherever it runs, an instance's death or Redis's leaves the other sessions running, and
/// the cluster heals when Redis is back.
/// </summary>
public sealed class ClusterTests
{
    private const string Answered = """{"success":true}""";

    [Fact]
    public async Task ARelayAnsweredThroughTheFrontReachesItsSessionWhereverItRuns()
    {
        await using var cluster = await GatewayCluster.StartAsync(3);
        var sessions = new WaitingSession[3];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, cluster.Front.Next);
            sessions[i] = await cluster.OpenSessionAsync();
        }

        // The front's next three connections go to instances 0, 1, 2: each gets the answer for its neighbour's session.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, cluster.Front.Next);
            var owner = sessions[(i + 1) % 3];
            var response = await GatewayCluster.AnswerAsync(cluster.Front.EndPoint, owner.SessionId, owner.RelayId);
            Assert.Equal((200, Answered), (response.StatusCode, response.Body));
        }

        foreach (var session in sessions)
        {
            await session.FinishAsync();
            await session.DisposeAsync();
        }
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, await cluster.MetricAsync(i, """gateway_cluster_relays_forwarded_total{outcome="answered"}"""));
            Assert.Equal(1, await cluster.MetricAsync(i, "gateway_cluster_redis_connected"));
        }
        await Promtool.AssertValidAsync(Promtool.Find(), (await GatewayCluster.RequestAsync(cluster.EndPoints[0], "/metrics", null)).Body);
        // Each session removed its registration as it ended; the instances' own keys stay while they live.
        await cluster.Redis.WaitForAsync("EVAL \"return#redis.call('keys','gateway:session:*')\" 0", ":0");
        Assert.Equal(":3", await cluster.Redis.CommandAsync("EVAL \"return#redis.call('keys','gateway:instance:*')\" 0"));
    }

    [Fact]
    public async Task AForwardedAnswerKeepsSpecFourOrderAndMessages()
    {
        await using var cluster = await GatewayCluster.StartAsync(2);
        await using var session = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[0]);
        var other = cluster.EndPoints[1];

        // Steps 1-2 locally, 3-4 where the session runs (or nowhere), and the answer's own check there too.
        Assert.Equal((400, """{"error":"Invalid JSON body"}"""), await StatusAndBodyAsync(other, $"/chat/relay/{session.RelayId}", "{"));
        Assert.Equal((400, """{"error":"sessionId and response are required"}"""), await StatusAndBodyAsync(other, $"/chat/relay/{session.RelayId}", """{"sessionId":"x"}"""));
        Assert.Equal((404, """{"error":"Session not found"}"""), await StatusAndBodyAsync(other, $"/chat/relay/{session.RelayId}", """{"sessionId":"nobody","response":{"approved":true}}"""));
        Assert.Equal((404, """{"error":"Relay not found"}"""), await StatusAndBodyAsync(other, "/chat/relay/nothing", $$$"""{"sessionId":"{{{session.SessionId}}}","response":{"approved":true}}"""));
        Assert.Equal((400, """{"error":"response.approved must be a boolean"}"""), await StatusAndBodyAsync(other, $"/chat/relay/{session.RelayId}", $$$"""{"sessionId":"{{{session.SessionId}}}","response":{"approved":"yes"}}"""));

        var answer = await GatewayCluster.AnswerAsync(other, session.SessionId, session.RelayId);
        Assert.Equal((200, Answered), (answer.StatusCode, answer.Body));
        await session.FinishAsync();
    }

    [Fact]
    public async Task AKilledInstanceLeavesTheOthersSessionsRunningAndItsOwnAreNotFoundOnceItsTtlEnds()
    {
        await using var cluster = await GatewayCluster.StartAsync(3);
        var sessions = new WaitingSession[3];
        for (var i = 0; i < 3; i++)
        {
            sessions[i] = await cluster.OpenSessionAsync();
        }

        cluster.Instances[2].SendSignal("KILL");
        Assert.Equal(137, await cluster.Instances[2].WaitForExitAsync());

        foreach (var (at, session) in new[] { (0, sessions[1]), (1, sessions[0]) })
        {
            var response = await GatewayCluster.AnswerAsync(cluster.EndPoints[at], session.SessionId, session.RelayId);
            Assert.Equal((200, Answered), (response.StatusCode, response.Body));
            await session.FinishAsync();
        }
        // The dead instance still looks registered until its TTL (1 s) ends: 503 with Retry-After, then not found.
        var lost = await GatewayCluster.AnswerUntilSettledAsync(cluster.EndPoints[0], sessions[2].SessionId, sessions[2].RelayId);
        Assert.Equal((404, """{"error":"Session not found"}"""), (lost.StatusCode, lost.Body));
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithRedisGoneLocalSessionsGoOnCrossInstanceRelaysAnswer503AndRedisBackHealsThem()
    {
        await using var cluster = await GatewayCluster.StartAsync(2);
        await using var local = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[0]);
        await using var remote = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[1]);

        await cluster.Redis.KillAsync();
        foreach (var instance in cluster.Instances)
        {
            await instance.LineAsync(l => l.Contains("Cluster: Redis connection lost", StringComparison.Ordinal));
        }

        var unavailable = await GatewayCluster.AnswerAsync(cluster.EndPoints[0], remote.SessionId, remote.RelayId);
        Assert.Equal((503, "1"), (unavailable.StatusCode, unavailable.Header("Retry-After")));
        Assert.Equal("""{"error":"The session's instance cannot be reached now (Redis or the instance is away)"}""", unavailable.Body);
        var answered = await GatewayCluster.AnswerAsync(cluster.EndPoints[0], local.SessionId, local.RelayId);
        Assert.Equal((200, Answered), (answered.StatusCode, answered.Body));
        await local.FinishAsync();
        Assert.Equal(200, (await GatewayCluster.RequestAsync(cluster.EndPoints[0], "/health", null)).StatusCode);
        Assert.Equal(0, await cluster.MetricAsync(0, "gateway_cluster_redis_connected"));
        Assert.Equal(1, await cluster.MetricAsync(0, """gateway_cluster_relays_forwarded_total{outcome="unavailable"}"""));

        // Back empty (nothing was saved): the owner registers its live session again, and the relay reaches it.
        var from = cluster.Instances.Select(i => i.Log.Count).ToArray();
        await cluster.Redis.RestartAsync();
        for (var i = 0; i < cluster.Instances.Length; i++)
        {
            await cluster.Instances[i].LineAsync(l => l.Contains("Cluster: Redis connection restored", StringComparison.Ordinal), from[i]);
        }
        await cluster.Redis.WaitForAsync($"EXISTS gateway:session:{remote.SessionId}", ":1");
        var healed = await GatewayCluster.AnswerUntilSettledAsync(cluster.EndPoints[0], remote.SessionId, remote.RelayId);
        Assert.Equal((200, Answered), (healed.StatusCode, healed.Body));
        await remote.FinishAsync();
    }

    [Fact]
    public async Task AnOwnerThatListensButNeverRepliesIsA504AfterTheRelayTimeout()
    {
        await using var cluster = await GatewayCluster.StartAsync(1);
        // A registered session whose instance hears its channel and stays silent (a stalled process).
        Assert.Equal("+OK", await cluster.Redis.CommandAsync("SET gateway:session:stalled-session silent-instance"));
        using var silent = await RedisSubscriber.SubscribeAsync(cluster.Redis.Port, "gateway:relays:silent-instance");

        var answer = GatewayCluster.AnswerAsync(cluster.EndPoints[0], "stalled-session", "relay-1");
        var forwarded = await silent.NextMessageAsync();
        var response = await answer;

        // The owner is given the client's answer as it was posted, and the channel to reply on.
        Assert.Matches("""^\{"id":"\d+","replyTo":"[0-9a-f-]{36}","sessionId":"stalled-session","relayId":"relay-1","response":\{"approved":false,"reason":"not here"\}\}$""", forwarded);
        Assert.Equal((504, """{"error":"The session's instance did not answer in time"}"""), (response.StatusCode, response.Body));
        Assert.Equal(1, await cluster.MetricAsync(0, """gateway_cluster_relays_forwarded_total{outcome="timed_out"}"""));
    }

    [Fact]
    public async Task StartUpWithAnUnreachableRedisFailsFastNamingIt()
    {
        var models = Directory.CreateTempSubdirectory("gateway-cluster-models-");
        try
        {
            var port = ClosedPort();
            await using var gateway = GatewayProcess.Start(GatewayCluster.Environment($"redis://127.0.0.1:{port}", models));

            Assert.Equal(2, await gateway.WaitForExitAsync());
            Assert.Contains(gateway.Log, l => l.Contains($"REDIS_URL: cannot connect to Redis at 127.0.0.1:{port}", StringComparison.Ordinal));
            Assert.DoesNotContain(gateway.Log, l => l.Contains("listening on", StringComparison.Ordinal));
        }
        finally
        {
            models.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AMalformedRedisUrlIsAConfigurationErrorThatHidesThePassword()
    {
        var models = Directory.CreateTempSubdirectory("gateway-cluster-models-");
        try
        {
            await using var gateway = GatewayProcess.Start(GatewayCluster.Environment("redis://:hunter2@cache", models));

            Assert.Equal(2, await gateway.WaitForExitAsync());
            Assert.Contains("Configuration error: REDIS_URL: host:port needs a port from 1 to 65535; expected redis://[:password@]host:port[/db].", gateway.Log);
            Assert.DoesNotContain(gateway.Log, l => l.Contains("hunter2", StringComparison.Ordinal));
        }
        finally
        {
            models.Delete(recursive: true);
        }
    }

    private static async Task<(int Status, string Body)> StatusAndBodyAsync(IPEndPoint at, string path, string json)
    {
        var response = await GatewayCluster.RequestAsync(at, path, json);
        return (response.StatusCode, response.Body);
    }

    /// <summary>A loopback port nothing listens on: taken, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
