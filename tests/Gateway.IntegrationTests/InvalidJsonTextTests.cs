using System.Text;
using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics;

namespace Gateway.IntegrationTests;

/// <summary>
/// A JSON body whose text no string can carry (bytes that are not UTF-8, RFC 8259 §8.1; an escaped lone surrogate, §8.2)
/// is a 400 on every JSON route, in that route's error shape, logs nothing, and leaves the connection open.
/// </summary>
public sealed class InvalidJsonTextTests
{
    private const string NotUtf8 = "the body is not valid UTF-8";

    public static TheoryData<string, string, string> ChatBodies => new()
    {
        { "/chat", """{"model":"test-model","messages":[{"role":"user","content":"a<FF>b"}]}""", "Invalid JSON body" },
        { "/chat", """{"model":"test-model","messages":[{"role":"user","content":"a\ud800b"}]}""", "Invalid JSON body" },
        { "/chat", """{"model":"test-model","messages":[{"role":"user","content":"\udc00\ud83d"}]}""", "Invalid JSON body" },
        { "/chat", """{"model":"test-model","\uD83D":1,"messages":[{"role":"user","content":"hi"}]}""", "Invalid JSON body" },
        { "/chat", """{"model":"test-<FF>","messages":[{"role":"user","content":"hi"}]}""", "Invalid JSON body" },
        { "/chat/relay/01980000-0000-7000-8000-000000000001", """{"sessionId":"<FF>","response":{"approved":true}}""", "Invalid JSON body" },
        { "/chat/relay/01980000-0000-7000-8000-000000000001", """{"sessionId":"s","response":{"approved":true,"reason":"\ud800"}}""", "Invalid JSON body" },
    };

    public static TheoryData<string, string> CompletionBodies => new()
    {
        { """{"model":"test-model","messages":[{"role":"user","content":"a<FF>b"}]}""", $"The request body is not valid JSON: {NotUtf8}" },
        { """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"user":"\ud800"}""", """The request body is not valid JSON: a string escapes a lone surrogate (\ud800)""" },
        { """{"model":"test-model","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"\ud83d x"}]}]}""", """The request body is not valid JSON: a string escapes a lone surrogate (\ud83d)""" },
    };

    [Theory]
    [MemberData(nameof(ChatBodies))]
    public async Task ChatRoutesAnswer400AndKeepTheConnection(string path, string body, string error)
    {
        var log = new StringWriter();
        await using var gatewayLog = new GatewayLog(LogLevel.Debug, log);
        await using var host = await ChatTestHost.StartAsync(log: gatewayLog);
        await using var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);

        var response = await PostAsync(connection, path, body);

        Assert.Equal((400, "application/json"), (response.StatusCode, response.Header("Content-Type")));
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        await AssertStillServesAsync(connection);
        Assert.Empty(host.Model.Requests);
        await AssertLoggedOnlyRequestsAsync(gatewayLog, log);
    }

    [Theory]
    [MemberData(nameof(CompletionBodies))]
    public async Task CompletionsAnswer400InOpenAisShapeAndKeepTheConnection(string body, string message)
    {
        var log = new StringWriter();
        await using var gatewayLog = new GatewayLog(LogLevel.Debug, log);
        await using var host = await ChatTestHost.StartAsync(log: gatewayLog);
        await using var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);

        var response = await PostAsync(connection, "/v1/chat/completions", body);

        Assert.Equal((400, "application/json"), (response.StatusCode, response.Header("Content-Type")));
        using var json = JsonDocument.Parse(response.Body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal((message, "invalid_request_error"), (error.GetProperty("message").GetString(), error.GetProperty("type").GetString()));
        await AssertStillServesAsync(connection);
        Assert.Empty(host.Model.Requests);
        await AssertLoggedOnlyRequestsAsync(gatewayLog, log);
    }

    [Fact]
    public async Task PairedSurrogateEscapesAndAnEscapedBackslashBeforeUAreText()
    {
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);
        await using var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);

        var response = await PostAsync(connection, "/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"\ud83d\ude00 \\ud800"}]}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("😀 \\ud800", Assert.Single(model.Requests).Messages[0].Text);
    }

    [Fact]
    public async Task ReplayedToolCallArgumentsEscapingALoneSurrogateAreKeptAsAnEmptyObject()
    {
        // OpenAI's arguments are JSON inside a string: its own escapes are checked like a body's, as arguments that are not an object are.
        var model = new ScriptedModelProvider().ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model);
        await using var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);

        var response = await PostAsync(connection, "/v1/chat/completions", """
            {"model":"test-model","messages":[{"role":"user","content":"hi"},
            {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":\"\\ud800\"}"}}]},
            {"role":"tool","tool_call_id":"c1","content":"done"}]}
            """);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("{}", Assert.Single(Assert.Single(model.Requests).Messages[1].ToolCalls).Arguments.ToString());
    }

    /// <summary>Sends a POST whose body is <paramref name="body"/> in UTF-8 with each <c>&lt;FF&gt;</c> as the byte 0xFF.</summary>
    private static async Task<RawResponse> PostAsync(RawConnection connection, string path, string body)
    {
        byte[] bytes = [.. body.Split("<FF>").SelectMany((part, i) => i == 0 ? Encoding.UTF8.GetBytes(part) : [0xFF, .. Encoding.UTF8.GetBytes(part)])];
        await connection.SendAsync($"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n");
        await connection.SendAsync(bytes);
        return await connection.ReadResponseAsync();
    }

    private static async Task AssertStillServesAsync(RawConnection connection)
    {
        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        var health = await connection.ReadResponseAsync();
        Assert.Equal((200, """{"status":"ok"}"""), (health.StatusCode, health.Body));
    }

    /// <summary>Bad text is the client's error, not the gateway's: nothing but the access lines is logged.</summary>
    private static async Task AssertLoggedOnlyRequestsAsync(GatewayLog gatewayLog, StringWriter log)
    {
        await gatewayLog.DrainAsync().WaitAsync(RawConnection.ReadTimeout);
        Assert.All(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(" info  request method=", line, StringComparison.Ordinal));
    }
}
