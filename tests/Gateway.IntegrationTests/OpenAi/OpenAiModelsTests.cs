using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary><c>GET /v1/models</c>, and the connection's own refusals under <c>/v1/</c> in OpenAI's error shape.</summary>
public sealed class OpenAiModelsTests
{
    [Fact]
    public async Task EveryModelOfTheCatalogIsListedWithItsProvider()
    {
        await using var host = await GatewayTestHost.StartAsync(
            [new ScriptedModelProvider("alpha", "a-1", "a-2"), new ScriptedModelProvider("beta", "b-1")]);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var response = await host.GetAsync("/v1/models");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        using var document = JsonDocument.Parse(response.Body);
        var created = document.RootElement.GetProperty("data")[0].GetProperty("created").GetInt64();
        Assert.InRange(created, before - 60, before + 1);
        Assert.Equal(
            $$"""{"object":"list","data":[{"id":"a-1","object":"model","created":{{created}},"owned_by":"alpha"},{"id":"a-2","object":"model","created":{{created}},"owned_by":"alpha"},{"id":"b-1","object":"model","created":{{created}},"owned_by":"beta"}]}""",
            response.Body);
    }

    [Theory]
    [InlineData("/v1/models/a-2", 200, "a-2", "alpha")]
    [InlineData("/v1/models/beta%2Fb-1", 200, "beta/b-1", "beta")]
    [InlineData("/v1/models/beta%2Fa-1", 404, "beta/a-1", null)]
    [InlineData("/v1/models/gpt-9", 404, "gpt-9", null)]
    public async Task OneModelIsRetrievedByItsIdOrAsProviderSlashId(string path, int status, string id, string? owner)
    {
        await using var host = await GatewayTestHost.StartAsync(
            [new ScriptedModelProvider("alpha", "a-1", "a-2"), new ScriptedModelProvider("beta", "b-1")]);
        var listing = await host.GetAsync("/v1/models");
        using var document = JsonDocument.Parse(listing.Body);
        var created = document.RootElement.GetProperty("data")[0].GetProperty("created").GetInt64();

        var response = await host.GetAsync(path);

        Assert.Equal(
            (status, owner is null
                ? $$"""{"error":{"message":"The model '{{id}}' does not exist","type":"invalid_request_error","param":"model","code":""" + "\"model_not_found\"}}"
                : $$"""{"id":"{{id}}","object":"model","created":{{created}},"owned_by":"{{owner}}"}"""),
            (response.StatusCode, response.Body));
    }

    [Fact]
    public async Task WhenEveryListingFailedTheAnswerIs502InOpenAisShape()
    {
        await using var host = await GatewayTestHost.StartAsync([new FailingModelProvider("down")]);

        var response = await host.GetAsync("/v1/models");

        Assert.Equal(502, response.StatusCode);
        Assert.StartsWith("""{"error":{"message":"Model listing failed: """, response.Body, StringComparison.Ordinal);
        Assert.EndsWith(""","type":"upstream_error","param":null,"code":null}}""", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/models", "")]
    [InlineData("/v1/chat/completions", "Authorization: Bearer wrong-key\r\n")]
    public async Task AMissingOrWrongKeyIs401InOpenAisShape(string path, string authorization)
    {
        await using var host = await GatewayTestHost.StartAsync([], apiKeys: ["right-key"]);

        var response = await host.GetAsync(path, authorization);

        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
        Assert.Equal(
            """{"error":{"message":"Incorrect or missing API key: send 'Authorization: Bearer <key>' with one of the gateway's keys","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
            response.Body);
        Assert.Equal(200, (await host.GetAsync("/v1/models", "Authorization: Bearer right-key\r\n")).StatusCode);
    }

    [Theory]
    [InlineData("/v1/embeddings", 404, """{"error":{"message":"Not Found","type":"invalid_request_error","param":null,"code":"unknown_url"}}""")]
    [InlineData("/v1/chat/completions", 405, """{"error":{"message":"Method Not Allowed","type":"invalid_request_error","param":null,"code":"method_not_allowed"}}""")]
    [InlineData("/v1x", 404, """{"error":"Not Found"}""")]
    public async Task RefusalsUnderV1AreInOpenAisShapeAndOthersKeepTheSpecs(string path, int status, string body)
    {
        await using var host = await GatewayTestHost.StartAsync([]);

        var response = await host.GetAsync(path);

        Assert.Equal((status, body), (response.StatusCode, response.Body));
    }

    [Theory]
    [InlineData("/v1/chat/completions", "Transfer-Encoding: chunked\r\n\r\nzz\r\n", """{"error":{"message":"Invalid chunked body","type":"invalid_request_error","param":null,"code":null}}""")]
    [InlineData("/chat", "Transfer-Encoding: chunked\r\n\r\nzz\r\n", """{"error":"Invalid chunked body"}""")]
    [InlineData("/v1/chat/completions", "Transfer-Encoding: gzip, chunked\r\n\r\n", """{"error":{"message":"Unsupported transfer coding","type":"server_error","param":null,"code":null}}""")]
    public async Task RejectedRequestsUnderV1AreAnsweredInOpenAisShape(string path, string rest, string body)
    {
        await using var host = await ChatTestHost.StartAsync();
        await using var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);

        await connection.SendAsync($"POST {path} HTTP/1.1\r\nHost: test\r\n{rest}");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(body, response.Body);
        Assert.True(await connection.IsClosedByServerAsync());
    }
}
