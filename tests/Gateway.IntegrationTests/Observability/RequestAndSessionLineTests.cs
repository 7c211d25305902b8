using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;

namespace Gateway.IntegrationTests.Observability;

/// <summary>Issue 13, "Logs": the gateway process writes a line per request and per session, as text or JSON (LOG_FORMAT).</summary>
public sealed partial class RequestAndSessionLineTests : IDisposable
{
    private const string Listing = """{"object":"list","data":[{"id":"gpt-test","object":"model"}]}""";

    private readonly DirectoryInfo _workspace = Directory.CreateTempSubdirectory("gateway-log-workspace-");
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("gateway-no-models-");

    public void Dispose()
    {
        _workspace.Delete(recursive: true);
        _models.Delete(recursive: true);
    }

    [GeneratedRegex("""(?<key>[a-z_]+)=(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<value>\S+))""")]
    private static partial Regex Pair();

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task ARequestAndASessionEachLeaveOneLineWithTheirFields(string format)
    {
        await File.WriteAllTextAsync(Path.Combine(_workspace.FullName, "notes.txt"), "alpha\n");
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json(Listing),
            UpstreamReply.OpenAiTurn("""{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_r","type":"function","function":{"name":"read","arguments":"{\"filePath\":\"notes.txt\"}"}}]},"finish_reason":"tool_calls"}""", 12, 7),
            UpstreamReply.OpenAiTurn("""{"index":0,"delta":{"role":"assistant","content":"Read it."},"finish_reason":"stop"}""", 20, 4));
        await using var gateway = GatewayProcess.StartWithOpenAi(upstream.Url("/v1"), _models, new Dictionary<string, string>
        {
            ["WORKSPACE_ROOT"] = _workspace.FullName,
            ["LOG_FORMAT"] = format,
        });
        var endPoint = await gateway.ListeningAsync();

        await using var connection = await RawConnection.ConnectAsync(endPoint);
        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        var health = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /missing HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.Equal(404, (await connection.ReadResponseAsync()).StatusCode);
        const string body = """{"model":"gpt-test","messages":[{"role":"user","content":"read notes"}],"permissions":{"allowlist":[{"tool":"read"}]}}""";
        await connection.SendAsync($"POST /chat HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Equal(200, (await connection.ReadResponseAsync(headRequest: true)).StatusCode);
        var events = await new EventStreamReader(connection).ReadAllEventsAsync();
        var sessionId = events.First(e => e.Name == "connected").Field("sessionId")!;

        var healthLine = Fields(await gateway.LineAsync(l => l.Contains("/health", StringComparison.Ordinal)), format);
        Assert.Equal("request", healthLine["msg"]);
        Assert.Equal(("GET", "/health", "200"), (healthLine["method"], healthLine["path"], healthLine["status"]));
        Assert.Equal(health.Body.Length.ToString(CultureInfo.InvariantCulture), healthLine["bytes_sent"]);
        Assert.True(double.Parse(healthLine["duration_ms"], CultureInfo.InvariantCulture) >= 0);

        // A refused request has its line too.
        var missingLine = Fields(await gateway.LineAsync(l => l.Contains("/missing", StringComparison.Ordinal)), format);
        Assert.Equal(("GET", "404", healthLine["connection_id"]), (missingLine["method"], missingLine["status"], missingLine["connection_id"]));

        var sessionLine = Fields(await gateway.LineAsync(l => l.Contains(sessionId, StringComparison.Ordinal)), format);
        Assert.Equal("session", sessionLine["msg"]);
        Assert.Equal(
            (sessionId, "openai", "gpt-test", "2", "1", "32", "11", "completed"),
            (sessionLine["session_id"], sessionLine["provider"], sessionLine["model"], sessionLine["turns"], sessionLine["tool_calls"],
                sessionLine["input_tokens"], sessionLine["output_tokens"], sessionLine["outcome"]));
        var ttft = double.Parse(sessionLine["ttft_ms"], CultureInfo.InvariantCulture);
        Assert.InRange(ttft, 0, double.Parse(sessionLine["duration_ms"], CultureInfo.InvariantCulture));

        // The stream's line comes when the response has ended, after the session's.
        var chatLine = Fields(await gateway.LineAsync(l => l.Contains("/chat", StringComparison.Ordinal) && l.Contains("request", StringComparison.Ordinal)), format);
        Assert.Equal(("POST", "200", healthLine["connection_id"]), (chatLine["method"], chatLine["status"], chatLine["connection_id"]));
        Assert.True(long.Parse(chatLine["bytes_sent"], CultureInfo.InvariantCulture) > 0);
    }

    /// <summary>A line's fields as text: JSON's properties, or text's level, message and key=value pairs.</summary>
    private static Dictionary<string, string> Fields(string line, string format)
    {
        if (format == "json")
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
        }
        // 2026-12-06T08:00:00.000Z info  request method=GET ...
        var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        var fields = new Dictionary<string, string> { ["time"] = parts[0], ["level"] = parts[1], ["msg"] = parts[2] };
        foreach (Match pair in Pair().Matches(parts[3]))
        {
            fields[pair.Groups["key"].Value] = pair.Groups["quoted"].Success ? Regex.Unescape(pair.Groups["quoted"].Value) : pair.Groups["value"].Value;
        }
        return fields;
    }
}
