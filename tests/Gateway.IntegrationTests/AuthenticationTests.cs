using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server;

namespace Gateway.IntegrationTests;

/// <summary>Optional keys (SPEC §1), as a bearer token or an <c>x-api-key</c>: every route but /health needs one when GATEWAY_API_KEYS is set.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private GatewayHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync([], apiKeys: ["first-key", "second-key"]);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("Authorization: Bearer wrong-key\r\n")]
    [InlineData("Authorization: Bearer first-key-but-longer\r\n")]
    [InlineData("Authorization: Basic Zmlyc3Qta2V5\r\n")]
    [InlineData("Authorization: Bearer\r\n")]
    [InlineData("x-api-key: wrong-key\r\n")]
    [InlineData("x-api-key: Bearer first-key\r\n")]
    [InlineData("x-api-key: \r\n")]
    public async Task MissingOrWrongKeyIs401(string authorization)
    {
        var response = await _host.GetAsync("/models", authorization);

        Assert.Equal("HTTP/1.1 401 Unauthorized", response.StatusLine);
        Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("""{"error":"Unauthorized"}""", response.Body);
    }

    [Theory]
    [InlineData("Authorization: Bearer first-key\r\n")]
    [InlineData("Authorization: Bearer second-key\r\n")]
    [InlineData("authorization: bearer second-key\r\n")]
    [InlineData("x-api-key: first-key\r\n")]
    [InlineData("X-Api-Key: second-key\r\n")]
    public async Task AnyConfiguredKeyIsAccepted(string authorization)
    {
        var response = await _host.GetAsync("/models", authorization);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""{"models":[]}""", response.Body);
    }

    /// <summary>Issue 11, item 11: the last of two keys used to win. Two credentials are a malformed request (RFC 9110 §5.3), so 400 and close.</summary>
    [Theory]
    [InlineData("Authorization: Bearer wrong-key\r\nAuthorization: Bearer first-key\r\n")]
    [InlineData("Authorization: Bearer first-key\r\nAuthorization: Bearer first-key\r\n")]
    [InlineData("x-api-key: first-key\r\nAuthorization: Bearer first-key\r\n")]
    public async Task MoreThanOneAuthorizationHeaderIsRefused(string authorization)
    {
        await using var connection = await _host.ConnectAsync();
        await connection.SendAsync($"GET /models HTTP/1.1\r\nHost: test\r\n{authorization}\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("""{"error":"More than one credential (Authorization or x-api-key header)"}""", response.Body);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task HealthNeedsNoKey() => Assert.Equal(200, (await _host.GetAsync("/health")).StatusCode);

    [Fact]
    public async Task UnknownRoutesDoNotRevealThemselvesWithoutAKey() => Assert.Equal(401, (await _host.GetAsync("/secret")).StatusCode);
}
