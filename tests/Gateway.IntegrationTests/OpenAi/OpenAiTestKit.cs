using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.OpenAi;

/// <summary>Calls /v1/chat/completions over a raw connection and makes its answers comparable byte for byte.</summary>
internal static partial class OpenAiTestKit
{
    public const string CompletionsPath = "/v1/chat/completions";

    /// <summary>A non-streamed call: the whole response.</summary>
    public static async Task<RawResponse> CompleteAsync(this ChatTestHost host, string json)
    {
        await using var connection = await host.PostAsync(CompletionsPath, json);
        return await connection.ReadResponseAsync();
    }

    /// <summary>A streamed call: the response head and the de-chunked body, read to its last chunk.</summary>
    /// <param name="path">The door: /v1/chat/completions, or another that streams (/v1/responses).</param>
    public static async Task<(RawResponse Head, string Body)> StreamAsync(this ChatTestHost host, string json, string path = CompletionsPath)
    {
        await using var connection = await host.PostAsync(path, json);
        // A stream has no Content-Length, so this reads its head only; an error answered before the first event is whole.
        var head = await connection.ReadResponseAsync();
        if (head.Header("Transfer-Encoding") != "chunked")
        {
            return (head, head.Body);
        }
        var body = new List<byte>();
        while (await connection.ReadChunkAsync() is { Length: > 0 } chunk)
        {
            body.AddRange(chunk);
        }
        return (head, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>
    /// Checks that every object of <paramref name="body"/> carries the same <c>chatcmpl-</c> id (24 alphanumerics) and the
    /// same creation time, within a minute of now, then replaces them with <c>chatcmpl-ID</c> and 0 for an exact comparison.
    /// </summary>
    public static string Normalize(string body)
    {
        var ids = IdPattern().Matches(body).Select(m => m.Groups[1].Value).Distinct().ToList();
        var created = CreatedPattern().Matches(body).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.Single(ids);
        var time = Assert.Single(created);
        Assert.InRange(time, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        return CreatedPattern().Replace(IdPattern().Replace(body, "\"id\":\"chatcmpl-ID\""), "\"created\":0");
    }

    /// <summary>One streamed chunk line as Gateway writes it, with the normalized id and time.</summary>
    public static string Chunk(string choices, string? usage = null, string model = "test-model") =>
        $$"""data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"{{model}}","choices":[{{choices}}]{{(usage is null ? "" : ",\"usage\":" + usage)}}}""" + "\n\n";

    [GeneratedRegex("\"id\":\"(chatcmpl-[A-Za-z0-9]{24})\"")]
    private static partial Regex IdPattern();

    [GeneratedRegex("\"created\":([0-9]+)")]
    private static partial Regex CreatedPattern();
}
