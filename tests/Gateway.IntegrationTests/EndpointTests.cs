using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>GET /health and GET /models over the wire, byte for byte (SPEC §1, §2).</summary>
public sealed partial class EndpointTests
{
    [GeneratedRegex(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")]
    private static partial Regex ImfFixdate();

    [Fact]
    public async Task HealthAnswersOkWithExactHeaders()
    {
        await using var host = await GatewayTestHost.StartAsync([]);
        var response = await host.GetAsync("/health");

        Assert.Equal("HTTP/1.1 200 OK", response.StatusLine);
        Assert.Equal(["Date", "Content-Type", "Content-Length"], response.HeaderNames);
        Assert.Matches(ImfFixdate(), response.Header("Date"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("15", response.Header("Content-Length"));
        Assert.Equal("""{"status":"ok"}""", response.Body);
    }

    [Fact]
    public async Task ModelsWithNoProviderIsAnEmptyList()
    {
        await using var host = await GatewayTestHost.StartAsync([]);
        var response = await host.GetAsync("/models");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("""{"models":[]}""", response.Body);
    }

    [Fact]
    public async Task ModelsListsEveryProviderAndTheDefaultWhenItIsServed()
    {
        await using var host = await GatewayTestHost.StartAsync(
            [new FakeModelProvider("a", "gpt-test", "small"), new FakeModelProvider("b", "claude-test")], defaultModel: "claude-test");
        var response = await host.GetAsync("/models");

        Assert.Equal("""{"models":["gpt-test","small","claude-test"],"defaultModel":"claude-test"}""", response.Body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-served")]
    public async Task ModelsOmitsDefaultModelUnlessItIsServed(string? defaultModel)
    {
        await using var host = await GatewayTestHost.StartAsync([new FakeModelProvider("a", "gpt-test")], defaultModel);
        var response = await host.GetAsync("/models");

        Assert.Equal("""{"models":["gpt-test"]}""", response.Body);
    }

    [Fact]
    public async Task ModelsStillListsOtherProvidersWhenOneFails()
    {
        await using var host = await GatewayTestHost.StartAsync([new FailingModelProvider("down"), new FakeModelProvider("up", "m1")]);
        var response = await host.GetAsync("/models");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""{"models":["m1"]}""", response.Body);
    }

    [Fact]
    public async Task ModelsIs502WhenEveryProviderFails()
    {
        await using var host = await GatewayTestHost.StartAsync([new FailingModelProvider("one"), new FailingModelProvider("two")]);
        var response = await host.GetAsync("/models");

        Assert.Equal(502, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("""{"error":"Model listing failed: one: connection refused; two: connection refused"}""", response.Body);
    }

    [Fact]
    public async Task UnknownPathIs404Json()
    {
        await using var host = await GatewayTestHost.StartAsync([]);
        var response = await host.GetAsync("/nope");

        Assert.Equal("HTTP/1.1 404 Not Found", response.StatusLine);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("""{"error":"Not Found"}""", response.Body);
    }

    [Fact]
    public async Task WrongMethodIs405WithAllow()
    {
        await using var host = await GatewayTestHost.StartAsync([]);
        await using var connection = await host.ConnectAsync();
        await connection.SendAsync("DELETE /health HTTP/1.1\r\nHost: test\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 405 Method Not Allowed", response.StatusLine);
        Assert.Equal("GET, HEAD", response.Header("Allow"));
        Assert.Equal("""{"error":"Method Not Allowed"}""", response.Body);
    }

    [Fact]
    public async Task HeadIsServedByEveryGetRouteWithoutABody()
    {
        await using var host = await GatewayTestHost.StartAsync([]);
        await using var connection = await host.ConnectAsync();
        await connection.SendAsync("HEAD /models HTTP/1.1\r\nHost: test\r\n\r\nGET /health HTTP/1.1\r\nHost: test\r\n\r\n");

        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, head.StatusCode);
        Assert.Equal("13", head.Header("Content-Length"));
        Assert.Equal("", head.Body);

        // Had the HEAD response carried a body, this would read it as a malformed status line.
        var next = await connection.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 200 OK", next.StatusLine);
        Assert.Equal("""{"status":"ok"}""", next.Body);
    }
}
