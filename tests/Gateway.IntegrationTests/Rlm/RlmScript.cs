using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>Building blocks for RLM-mode tests: model answers holding a js block, and request bodies.</summary>
internal static class RlmScript
{
    /// <summary>An answer that is exactly one fenced js block.</summary>
    public static string Js(string code) => $"```js\n{code}\n```";

    /// <summary>A POST /chat body in RLM mode with one user message; <paramref name="fields"/> are more JSON members, each with a leading comma.</summary>
    public static string Request(string question, string fields = "") =>
        $$"""{"model":"test-model","mode":"rlm","messages":[{"role":"user","content":"{{question}}"}]{{fields}}}""";

    /// <summary>Text as a JSON string's contents, for the few characters these tests use (quotes, backslashes, newlines).</summary>
    public static string Escaped(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    /// <summary>The events until the stream ends, after checking it starts a session.</summary>
    public static async Task<List<ServerSentEvent>> ReadSessionAsync(this ChatTestHost host, string body)
    {
        var (connection, stream) = await host.OpenChatAsync(body);
        await using var _ = connection;
        var events = await stream.ReadAllEventsAsync();
        Assert.True(stream.Ended);
        return events;
    }
}
