using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.OpenAi;

namespace Gateway.IntegrationTests.Responses;

/// <summary>Calls POST /v1/responses over a raw connection and makes its answers comparable byte for byte.</summary>
internal static partial class ResponsesTestKit
{
    public const string ResponsesPath = "/v1/responses";

    /// <summary>A non-streamed call: the whole response.</summary>
    public static async Task<RawResponse> RespondAsync(this ChatTestHost host, string json, string extraHeaders = "")
    {
        await using var connection = await host.PostAsync(ResponsesPath, json, extraHeaders);
        return await connection.ReadResponseAsync();
    }

    /// <summary>A streamed call: the response head and the de-chunked body, read to its last chunk.</summary>
    public static Task<(RawResponse Head, string Body)> StreamResponseAsync(this ChatTestHost host, string json) => host.StreamAsync(json, ResponsesPath);

    /// <summary>The <c>resp_</c> id of a response body (its first id).</summary>
    public static string ResponseId(string body) => IdPattern().Match(body) is { Success: true, Groups: var groups } && groups[1].Value == "resp"
        ? $"resp_{groups[2].Value}"
        : throw new InvalidOperationException($"no response id in {body}");

    /// <summary>
    /// Checks that the body names one response (one <c>resp_</c> id) created within a minute of now, then numbers its
    /// ids by first appearance per type (<c>resp_1</c>, <c>msg_1</c>, <c>msg_2</c>, <c>fc_1</c>…) and sets
    /// <c>created_at</c> to 0, for an exact comparison.
    /// </summary>
    public static string Normalize(string body)
    {
        var numbers = new Dictionary<string, string>();
        var counts = new Dictionary<string, int>();
        var normalized = IdPattern().Replace(body, match =>
        {
            var prefix = match.Groups[1].Value;
            if (!numbers.TryGetValue(match.Value, out var name))
            {
                counts[prefix] = counts.GetValueOrDefault(prefix) + 1;
                name = numbers[match.Value] = $"{prefix}_{counts[prefix]}";
            }
            return name;
        });
        Assert.True(counts.GetValueOrDefault("resp") <= 1, $"more than one response id in {body}");
        foreach (var created in CreatedPattern().Matches(body).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
        {
            Assert.InRange(created, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        }
        return CreatedPattern().Replace(normalized, "\"created_at\":0");
    }

    /// <summary>One SSE event as Gateway writes it: the <c>event:</c> line, then the data (whose type and sequence number lead).</summary>
    /// <param name="fields">The data's further fields, trimmed (so a raw string may start with a space before its first quote).</param>
    public static string Event(string type, int sequence, string fields) =>
        $"event: {type}\ndata: {{\"type\":\"{type}\",\"sequence_number\":{sequence},{fields.Trim()}}}\n\n";

    /// <summary>An event carrying the whole response (<c>response.created</c>, <c>.completed</c>…).</summary>
    public static string ResponseEvent(string type, int sequence, string response) => Event(type, sequence, "\"response\":" + response);

    /// <summary>
    /// The response object as Gateway writes it for <c>{"model","input"}</c> and nothing else set, normalized: <paramref name="output"/>
    /// and <paramref name="usage"/> (null while in progress) as given.
    /// </summary>
    public static string Response(string status, string output, string? usage, string model = "test-model", string error = "null", string incomplete = "null", string text = """{"format":{"type":"text"}}""") =>
        $$$"""{"id":"resp_1","object":"response","created_at":0,"status":"{{{status}}}","background":false,"error":{{{error.Trim()}}},"incomplete_details":{{{incomplete.Trim()}}},"instructions":null,"max_output_tokens":null,"model":"{{{model}}}","output":[{{{output.Trim()}}}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":null,"text":{{{text}}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled","usage":{{{usage ?? "null"}}},"user":null,"metadata":{}}""";

    public static string Usage(int input, int output, int cached = 0) =>
        $$"""{"input_tokens":{{input}},"input_tokens_details":{"cached_tokens":{{cached}}},"output_tokens":{{output}},"output_tokens_details":{"reasoning_tokens":0},"total_tokens":{{input + output}}}""";

    [GeneratedRegex("\\b(resp|msg|fc|rs)_([0-9a-f]{48})\\b")]
    private static partial Regex IdPattern();

    [GeneratedRegex("\"created_at\":([0-9]+)")]
    private static partial Regex CreatedPattern();
}
