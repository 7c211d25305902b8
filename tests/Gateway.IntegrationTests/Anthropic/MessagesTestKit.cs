using System.Text;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Anthropic;

/// <summary>Calls /v1/messages over a raw connection and makes its answers comparable byte for byte.</summary>
internal static partial class MessagesTestKit
{
    public const string MessagesPath = "/v1/messages";

    /// <summary>A POST with extra header lines (each ending in CRLF), on a new connection.</summary>
    public static async Task<RawConnection> PostAsync(this ChatTestHost host, string path, string json, string headerLines)
    {
        var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);
        var body = Encoding.UTF8.GetBytes(json);
        await connection.SendAsync($"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n{headerLines}Content-Length: {body.Length}\r\n\r\n");
        await connection.SendAsync(body);
        return connection;
    }

    /// <summary>A non-streamed call as Anthropic's SDK makes it: the whole response.</summary>
    public static async Task<RawResponse> MessageAsync(this ChatTestHost host, string json, string path = MessagesPath, string headerLines = "anthropic-version: 2023-06-01\r\n")
    {
        await using var connection = await host.PostAsync(path, json, headerLines);
        return await connection.ReadResponseAsync();
    }

    /// <summary>A streamed call: the response head and the de-chunked body; an error answered before the first event is whole.</summary>
    public static async Task<(RawResponse Head, string Body)> StreamMessageAsync(this ChatTestHost host, string json)
    {
        await using var connection = await host.PostAsync(MessagesPath, json, "anthropic-version: 2023-06-01\r\n");
        var response = await connection.ReadWholeResponseAsync();
        return (response, response.Body);
    }

    /// <summary>Checks that the body names one <c>msg_</c> id (24 alphanumerics) and replaces it with <c>msg_ID</c>.</summary>
    public static string Normalize(string body)
    {
        Assert.Single(IdPattern().Matches(body).Select(m => m.Value).Distinct());
        return IdPattern().Replace(body, "\"id\":\"msg_ID\"");
    }

    /// <summary>One SSE event as the gateway writes it: <c>event:</c> and <c>data:</c> of the same type.</summary>
    public static string Event(string data)
    {
        var type = TypePattern().Match(data).Groups[1].Value;
        return $"event: {type}\ndata: {data}\n\n";
    }

    /// <summary><c>message_start</c> with the normalized id; its usage is zeros, the providers' counts come at the end.</summary>
    public static string MessageStart(string model = "test-model") => Event(
        """{"type":"message_start","message":{"id":"msg_ID","type":"message","role":"assistant","model":""" + $"\"{model}\""
        + ""","content":[],"stop_reason":null,"stop_sequence":null,"usage":""" + Usage(0, 0) + "}}");

    public static string MessageEnd(string stopReason, string usage, string stopSequence = "null") =>
        Event($$$"""{"type":"message_delta","delta":{"stop_reason":"{{{stopReason}}}","stop_sequence":{{{stopSequence}}}},"usage":{{{usage}}}}""")
        + Event("""{"type":"message_stop"}""");

    public static string Usage(long input, long output, long cacheWrites = 0, long cacheReads = 0) =>
        $$"""{"input_tokens":{{input}},"cache_creation_input_tokens":{{cacheWrites}},"cache_read_input_tokens":{{cacheReads}},"output_tokens":{{output}}}""";

    [GeneratedRegex("\"id\":\"msg_[A-Za-z0-9]{24}\"")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^\\{\"type\":\"([a-z_]+)\"")]
    private static partial Regex TypePattern();
}
