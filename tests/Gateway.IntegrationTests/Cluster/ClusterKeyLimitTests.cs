using System.Security.Cryptography;

namespace Gateway.IntegrationTests.Cluster;

/// <summary>Issue 20: a key's <c>maxConcurrentSessions</c> and <c>tokensPerDay</c> (GATEWAY_KEYS_FILE) hold over every instance together.</summary>
public sealed class ClusterKeyLimitTests : IDisposable
{
    private const string Team = "Authorization: Bearer team-secret\r\n";
    private const string Thrifty = "Authorization: Bearer thrifty-secret\r\n";

    private readonly string _keysFile = Path.Combine(Path.GetTempPath(), $"gateway-cluster-keys-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_keysFile);

    [Fact]
    public async Task AKeysSessionLimitCountsEveryInstanceAndADeadInstancesShareIsDroppedWithIt()
    {
        await using var cluster = await StartAsync();
        await using var first = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[0], Team);

        var refused = await GatewayCluster.RequestAsync(cluster.EndPoints[1], "/chat", """{"messages":[{"role":"user","content":"hi"}]}""", Team);
        Assert.Equal((429, "1"), (refused.StatusCode, refused.Header("Retry-After")));
        Assert.Equal("""{"error":"Too many concurrent sessions for this key: it may run 1 at once"}""", refused.Body);

        cluster.Instances[0].SendSignal("KILL");
        Assert.Equal(137, await cluster.Instances[0].WaitForExitAsync());
        // Once the dead instance's key expires (TTL 1 s), the next admission drops its share.
        await cluster.Redis.WaitForAsync("EVAL \"return#redis.call('keys','gateway:instance:*')\" 0", ":1");
        await using var second = await GatewayCluster.OpenSessionAsync(cluster.EndPoints[1], Team);
        var answer = await GatewayCluster.AnswerAsync(cluster.EndPoints[1], second.SessionId, second.RelayId, Team);
        Assert.Equal(200, answer.StatusCode);
        await second.FinishAsync();
    }

    [Fact]
    public async Task TokensSpentOnOneInstanceCountOnTheOthers()
    {
        await using var cluster = await StartAsync();
        var spent = await GatewayCluster.RequestAsync(cluster.EndPoints[0], "/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Thrifty);
        Assert.Equal(200, spent.StatusCode);
        var day = DateTimeOffset.UtcNow.UtcTicks / TimeSpan.TicksPerDay;
        await cluster.Redis.WaitForAsync($"EXISTS gateway:key-tokens:thrifty:{day}", ":1");

        var refused = await GatewayCluster.RequestAsync(cluster.EndPoints[1], "/chat", """{"messages":[{"role":"user","content":"hi"}]}""", Thrifty);

        Assert.Equal(429, refused.StatusCode);
        Assert.Equal("""{"error":"Token budget spent: this key may use 2 tokens per day (UTC)"}""", refused.Body);
        Assert.NotNull(refused.Header("Retry-After"));
    }

    private async Task<GatewayCluster> StartAsync()
    {
        static string Digest(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        await File.WriteAllTextAsync(_keysFile, $$"""
            {"keys":[{"name":"team","sha256":"{{Digest("team-secret")}}","maxConcurrentSessions":1},
                     {"name":"thrifty","sha256":"{{Digest("thrifty-secret")}}","tokensPerDay":2}]}
            """);
        return await GatewayCluster.StartAsync(2, new Dictionary<string, string> { ["GATEWAY_KEYS_FILE"] = _keysFile });
    }
}
