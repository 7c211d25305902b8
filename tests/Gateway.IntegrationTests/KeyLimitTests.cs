using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests;

/// <summary>GATEWAY_KEYS_FILE's keys (issue 14): each with its own limits, checked over real requests, many at once.</summary>
public sealed class KeyLimitTests : IAsyncLifetime
{
    private const int Limit = 5;
    private const string Limited = "Authorization: Bearer limited-secret\r\n";

    private readonly FakeTimeProvider _clock = new();
    private GatewayHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await GatewayHost.StartAsync(
            new GatewayOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                ApiKeys = ["plain-secret"],
                Keys = [new ClientKey("limited", Digest("limited-secret")) { RequestsPerMinute = Limit }, new ClientKey("free", Digest("free-secret"))],
                Clock = _clock,
                Http = TestServer.FastOptions,
            },
            [],
            GatewayLog.Silent);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ManyParallelRequestsAdmitExactlyTheLimitPerMinuteAndRefuseTheRestWithRetryAfter()
    {
        var responses = await GetInParallelAsync("/models", Limited, 40);

        Assert.Equal(Limit, responses.Count(r => r.StatusCode == 200));
        var refused = responses.Where(r => r.StatusCode != 200).ToList();
        Assert.All(refused, r =>
        {
            Assert.Equal("HTTP/1.1 429 Too Many Requests", r.StatusLine);
            Assert.Equal("60", r.Header("Retry-After"));
            Assert.Equal("""{"error":"Too many requests: this key may make 5 requests per minute"}""", r.Body);
        });

        _clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal("15", (await _host.GetAsync("/models", Limited)).Header("Retry-After"));

        _clock.Advance(TimeSpan.FromSeconds(15));
        var afterAMinute = await GetInParallelAsync("/models", Limited, 20);
        Assert.Equal(Limit, afterAMinute.Count(r => r.StatusCode == 200));
    }

    [Fact]
    public async Task UnderV1TheRefusalIsOpenAisRateLimitError()
    {
        await GetInParallelAsync("/v1/models", Limited, Limit);

        var response = await _host.GetAsync("/v1/models", Limited);

        Assert.Equal(429, response.StatusCode);
        Assert.Equal("60", response.Header("Retry-After"));
        Assert.Equal(
            """{"error":{"message":"Too many requests: this key may make 5 requests per minute","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}""",
            response.Body);
    }

    [Fact]
    public async Task KeysWithoutALimitAndGatewayApiKeysAreNotHeldToAnother()
    {
        await GetInParallelAsync("/models", Limited, Limit + 1);

        Assert.All(await GetInParallelAsync("/models", "Authorization: Bearer free-secret\r\n", 20), r => Assert.Equal(200, r.StatusCode));
        Assert.All(await GetInParallelAsync("/models", "Authorization: Bearer plain-secret\r\n", 20), r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(401, (await _host.GetAsync("/models", "Authorization: Bearer limited\r\n")).StatusCode);
    }

    [Fact]
    public async Task RequestsThatAreRefusedAnywayUseNoneOfTheRate()
    {
        await GetInParallelAsync("/no-such-route", Limited, 20);

        Assert.Equal(Limit, (await GetInParallelAsync("/models", Limited, Limit)).Count(r => r.StatusCode == 200));
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private async Task<RawResponse[]> GetInParallelAsync(string path, string authorization, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(() => _host.GetAsync(path, authorization))));
}
