using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Local;

/// <summary>The README's run command on a fresh checkout: from the repository root with no configuration, the gateway serves stories260K.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed partial class LocalProcessTests
{
    [GeneratedRegex(@"listening on http://(?<endpoint>\S+)")]
    private static partial Regex ListeningLine();

    [Fact]
    public async Task FromTheRepositoryRootWithNoConfigurationTheSharedStoriesModelIsTheDefault()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "gateway"))
        {
            WorkingDirectory = LocalModelFiles.RepositoryRoot,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Nothing but an ephemeral port: no keys, no MODELS_DIR, no DEFAULT_MODEL (even if the test's environment has them).
        foreach (var name in new[] { "MODELS_DIR", "DEFAULT_MODEL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY", "ZEN_API_KEY", "PROVIDERS_FILE", "GATEWAY_API_KEYS" })
        {
            start.Environment.Remove(name);
        }
        start.Environment["PORT"] = "0";
        start.Environment["HOST"] = "127.0.0.1";
        using var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
            if (e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(IPEndPoint.Parse(match.Groups["endpoint"].Value));
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var endPoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(10));

            await using (var models = await RawConnection.ConnectAsync(endPoint))
            {
                await models.SendAsync("GET /models HTTP/1.1\r\nHost: test\r\n\r\n");
                Assert.Equal("""{"models":["stories260K","successor-tiny"],"defaultModel":"stories260K"}""", (await models.ReadResponseAsync()).Body);
            }
            await using var chat = await RawConnection.ConnectAsync(endPoint);
            var body = """{"messages":[{"role":"user","content":"Once upon a time"}]}"""u8.ToArray();
            await chat.SendAsync($"POST /chat HTTP/1.1\r\nHost: test\r\nContent-Length: {body.Length}\r\n\r\n");
            await chat.SendAsync(body);
            Assert.Equal(200, (await chat.ReadResponseAsync(headRequest: true)).StatusCode);
            var events = await new EventStreamReader(chat).ReadAllEventsAsync();

            var story = string.Concat(events.Where(e => e.Name == "text").Select(e => e.Field("content")));
            Assert.StartsWith(", there was a little girl named Lily.", story, StringComparison.Ordinal);
            Assert.Equal("512", events[^2].Field("outputTokens")); // LOCAL_MAX_TOKENS' default
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        lock (log)
        {
            Assert.Contains("Local model stories260K loaded", log.ToString(), StringComparison.Ordinal);
        }
    }
}
