using System.Globalization;
using System.Net;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>
/// Gateway processes sharing one <see cref="RedisServer"/> (REDIS_URL) behind a <see cref="RoundRobinFront"/>, each with
/// the mock model, whose <c>/tool bash</c> message makes a session wait on a relay. Short heartbeat and TTL, so an
/// instance's death shows within a second.
/// </summary>
internal sealed class GatewayCluster : IAsyncDisposable
{
    /// <summary>A session whose first turn is one bash call, which asks for permission (SPEC §6).</summary>
    private const string WaitsOnARelay = """{"messages":[{"role":"user","content":"/tool bash {\"command\":\"true\"}"}]}""";

    private readonly DirectoryInfo _models;

    private GatewayCluster(RedisServer redis, DirectoryInfo models, GatewayProcess[] instances, IPEndPoint[] endPoints)
    {
        Redis = redis;
        _models = models;
        Instances = instances;
        EndPoints = endPoints;
        Front = new RoundRobinFront(endPoints);
    }

    public RedisServer Redis { get; }

    public GatewayProcess[] Instances { get; }

    public IPEndPoint[] EndPoints { get; }

    public RoundRobinFront Front { get; }

    /// <param name="more">Further variables of every instance.</param>
    public static async Task<GatewayCluster> StartAsync(int instances, IReadOnlyDictionary<string, string>? more = null)
    {
        var redis = await RedisServer.StartAsync();
        var models = Directory.CreateTempSubdirectory("gateway-cluster-models-");
        var environment = Environment(redis.Url, models);
        foreach (var (name, value) in more ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        var processes = Enumerable.Range(0, instances).Select(_ => GatewayProcess.Start(environment)).ToArray();
        var endPoints = await Task.WhenAll(processes.Select(p => p.ListeningAsync()));
        return new GatewayCluster(redis, models, processes, endPoints);
    }

    /// <summary>An instance's variables: the mock model, bash unsandboxed (denied anyway), Redis with timings of tenths of a second.</summary>
    public static Dictionary<string, string> Environment(string redisUrl, DirectoryInfo models) => new()
    {
        ["HOST"] = "127.0.0.1",
        ["PORT"] = "0",
        ["MOCK_MODELS"] = "m",
        ["MOCK_TOKENS"] = "3",
        ["MODELS_DIR"] = models.FullName,
        ["BASH_SANDBOX"] = "none",
        ["ENABLED_TOOLS"] = "bash",
        ["REDIS_URL"] = redisUrl,
        ["CLUSTER_HEARTBEAT_SECONDS"] = "0.2",
        ["CLUSTER_TTL_SECONDS"] = "1",
        ["CLUSTER_RELAY_TIMEOUT_SECONDS"] = "3",
    };

    /// <summary>Opens a session through the front and reads it up to its relay; the instance it runs on is the front's <see cref="RoundRobinFront.Next"/> before the call.</summary>
    public Task<WaitingSession> OpenSessionAsync() => OpenSessionAsync(Front.EndPoint);

    /// <param name="headers">Further header lines, each ending in CRLF (a key's <c>Authorization</c>).</param>
    public static async Task<WaitingSession> OpenSessionAsync(IPEndPoint at, string headers = "")
    {
        var connection = await PostAsync(at, "/chat", WaitsOnARelay, headers);
        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, head.StatusCode);
        var events = new EventStreamReader(connection);
        var upToRelay = await events.ReadUntilAsync("relay");
        return new WaitingSession(connection, events, upToRelay[0].Field("sessionId")!, upToRelay[^1].Field("id")!, upToRelay);
    }

    /// <summary>
    /// Opens a session on instance 0, leaves its POST /chat response and reads the session from its start on instance
    /// <paramref name="at"/>, up to its relay (the same events the POST read).
    /// </summary>
    public async Task<RemoteReader> FollowElsewhereAsync(int at)
    {
        var session = await OpenSessionAsync(EndPoints[0]);
        await session.DisposeAsync();
        var connection = await GetAsync(EndPoints[at], $"/chat/{session.SessionId}/events", "Last-Event-ID: 0\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync(headRequest: true)).StatusCode);
        var events = new EventStreamReader(connection);
        Assert.Equal(session.UpToRelay, await events.ReadUntilAsync("relay"));
        return new RemoteReader(session, connection, events);
    }

    /// <summary>POSTs a relay answer (a denial: bash never runs) the way a client does, on a connection of its own.</summary>
    public static Task<RawResponse> AnswerAsync(IPEndPoint at, string sessionId, string relayId, string headers = "") =>
        RequestAsync(at, $"/chat/relay/{relayId}", $$$"""{"sessionId":"{{{sessionId}}}","response":{"approved":false,"reason":"not here"}}""", headers);

    public static async Task<RawResponse> RequestAsync(IPEndPoint at, string path, string? json, string headers = "")
    {
        await using var connection = json is null ? await GetAsync(at, path, headers) : await PostAsync(at, path, json, headers);
        return await connection.ReadResponseAsync();
    }

    /// <summary>A sample's value in an instance's GET /metrics, e.g. <c>gateway_cluster_relays_forwarded_total{outcome="answered"}</c>.</summary>
    public async Task<double> MetricAsync(int instance, string sample)
    {
        var body = (await RequestAsync(EndPoints[instance], "/metrics", null)).Body;
        var line = body.Split('\n').Single(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Answers a relay again while the answer is 503 (as a client honouring <c>Retry-After</c> does, faster), at most 5 s; the last answer.</summary>
    public static async Task<RawResponse> AnswerUntilSettledAsync(IPEndPoint at, string sessionId, string relayId)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var response = await AnswerAsync(at, sessionId, relayId);
            if (response.StatusCode != 503)
            {
                return response;
            }
            Assert.Equal("1", response.Header("Retry-After"));
            await Task.Delay(100, bound.Token);
        }
    }

    private static async Task<RawConnection> PostAsync(IPEndPoint at, string path, string json, string headers = "")
    {
        var connection = await RawConnection.ConnectAsync(at);
        var body = Encoding.UTF8.GetBytes(json);
        await connection.SendAsync($"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n{headers}Content-Length: {body.Length}\r\n\r\n");
        await connection.SendAsync(body);
        return connection;
    }

    /// <param name="headers">Further header lines, each ending in CRLF (a <c>Last-Event-ID</c>).</param>
    public static async Task<RawConnection> GetAsync(IPEndPoint at, string path, string headers = "")
    {
        var connection = await RawConnection.ConnectAsync(at);
        await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: test\r\n{headers}\r\n");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await Front.DisposeAsync();
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }
        await Redis.DisposeAsync();
        _models.Delete(recursive: true);
    }
}

/// <summary>A /chat stream read up to its relay (<paramref name="UpToRelay"/>, the relay last), which waits for an answer.</summary>
internal sealed record WaitingSession(RawConnection Connection, EventStreamReader Events, string SessionId, string RelayId, List<ServerSentEvent> UpToRelay)
    : IAsyncDisposable
{
    /// <summary>The rest of the stream, to its end: the denied call's result, the model's text, <c>harness_end</c>.</summary>
    public async Task<List<ServerSentEvent>> FinishAsync()
    {
        var rest = await Events.ReadAllEventsAsync();
        Assert.Equal("harness_end", rest[^1].Name);
        Assert.Equal("""{"status":"denied","reason":"not here"}""", rest.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
        return rest;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>A session read on another instance than its own (<see cref="GatewayCluster.FollowElsewhereAsync"/>), up to its relay.</summary>
internal sealed record RemoteReader(WaitingSession Session, RawConnection Connection, EventStreamReader Events) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
