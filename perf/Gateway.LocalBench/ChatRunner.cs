using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Server.Providers.Local;

namespace Gateway.LocalBench;

/// <summary>Concurrent POST /chat sessions over loopback HTTP, each read to its end as a client would.</summary>
internal sealed class ChatRunner(IPEndPoint endPoint) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false })
    {
        BaseAddress = new Uri($"http://{endPoint}"),
        Timeout = TimeSpan.FromMinutes(5),
    };

    public Task<BenchResult> RunAsync(LocalModel model, string modelId, int sessions) =>
        BenchResult.MeasureAsync("POST /chat (HTTP + SSE)", model, sessions, (prompt, clock) => OneAsync(modelId, prompt, clock));

    private async Task<(long Tokens, TimeSpan FirstToken)> OneAsync(string model, string prompt, Stopwatch clock)
    {
        var body = JsonSerializer.Serialize(new ChatBody(model, [new ChatBodyMessage("user", prompt)]), BenchJson.Default.ChatBody);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/chat") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = TimeSpan.Zero;
        var tokens = 0L;
        string? eventName = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                if (eventName == "text" && first == TimeSpan.Zero)
                {
                    first = clock.Elapsed;
                }
                else if (eventName == "usage")
                {
                    using var usage = JsonDocument.Parse(line[6..]);
                    tokens = usage.RootElement.GetProperty("outputTokens").GetInt64();
                }
                else if (eventName == "error")
                {
                    throw new InvalidOperationException(line);
                }
            }
        }
        return (tokens, first);
    }

    public void Dispose() => _client.Dispose();
}
