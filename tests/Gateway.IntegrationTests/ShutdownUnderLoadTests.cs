using System.Diagnostics;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// Issue 11, "Shutdown under load": SIGTERM to the gateway process with 100 live /chat streams, half of which would
/// outlast SHUTDOWN_TIMEOUT_SECONDS. Each client gets the rest of its stream, or an <c>error</c> event and
/// <c>harness_end</c>, and every body ends with its last chunk; the process exits 0 within the shutdown timeout.
/// </summary>
[Collection(SpecTimingCollection.Name)]
public sealed class ShutdownUnderLoadTests(ITestOutputHelper output)
{
    private const int Streams = 100;
    private const int ShutdownTimeoutSeconds = 3;

    private const string Listing = """{"object":"list","data":[{"id":"gpt-test","object":"model"}]}""";
    private const string FirstPiece = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
    private const string LastPiece = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}\n\n"
        + "data: [DONE]\n\n";

    [Fact]
    public async Task SigtermWithAHundredLiveStreamsEndsEachWellFormedAndExits0InTime()
    {
        using var finish = new SemaphoreSlim(0);
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(Listing));
        for (var i = 0; i < Streams; i++)
        {
            // Half finish once the test opens the gate (during the drain); half never finish.
            upstream.Enqueue(i % 2 == 0
                ? Answer() with { Pieces = [Bytes(FirstPiece), Bytes(LastPiece)], PieceGate = finish }
                : Answer() with { Pieces = [Bytes(FirstPiece)], Hold = true });
        }
        var models = Directory.CreateTempSubdirectory("gateway-no-models-");
        try
        {
            await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
            {
                ["HOST"] = "127.0.0.1",
                ["PORT"] = "0",
                ["OPENAI_API_KEY"] = "test",
                ["OPENAI_BASE_URL"] = upstream.Url("/v1").ToString(),
                ["MODELS_DIR"] = models.FullName,
                ["SHUTDOWN_TIMEOUT_SECONDS"] = ShutdownTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            var endPoint = await gateway.ListeningAsync();

            var clients = await Task.WhenAll(Enumerable.Range(0, Streams).Select(_ => OpenStreamAsync(endPoint)));
            try
            {
                var clock = Stopwatch.StartNew();
                gateway.SendSignal("TERM");
                finish.Release(Streams / 2);

                var endings = await Task.WhenAll(clients.Select(c => ReadRestAsync(c.Connection, c.Events)));
                Assert.Equal(0, await gateway.WaitForExitAsync());
                var exitedAfter = clock.Elapsed;
                output.WriteLine($"{Streams} streams: exited 0 {exitedAfter.TotalMilliseconds:F0} ms after SIGTERM (SHUTDOWN_TIMEOUT_SECONDS={ShutdownTimeoutSeconds}).");

                Assert.Equal(Streams / 2, endings.Count(e => e == Ending.Finished));
                Assert.Equal(Streams / 2, endings.Count(e => e == Ending.ShuttingDown));
                Assert.True(exitedAfter < TimeSpan.FromSeconds(ShutdownTimeoutSeconds), $"exited {exitedAfter.TotalMilliseconds:F0} ms after SIGTERM:\n{string.Join('\n', gateway.Log)}");
                Assert.Contains(gateway.Log, line => line.EndsWith("Stopped.", StringComparison.Ordinal));
            }
            finally
            {
                foreach (var (connection, _) in clients)
                {
                    await connection.DisposeAsync();
                }
            }
        }
        finally
        {
            models.Delete(recursive: true);
        }
    }

    private enum Ending
    {
        Finished,
        ShuttingDown,
    }

    private static UpstreamReply Answer() => UpstreamReply.Sse("");

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Opens one /chat stream and reads it until its first text: the stream is live at the gateway and upstream.</summary>
    private static async Task<(RawConnection Connection, EventStreamReader Events)> OpenStreamAsync(System.Net.IPEndPoint endPoint)
    {
        var connection = await RawConnection.ConnectAsync(endPoint);
        const string body = """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""";
        await connection.SendAsync($"POST /chat HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Equal("chunked", (await connection.ReadResponseAsync(headRequest: true)).Header("Transfer-Encoding"));
        var events = new EventStreamReader(connection);
        await events.ReadUntilAsync("text");
        return (connection, events);
    }

    /// <summary>
    /// Reads to the last chunk (the reader checks every event is whole) and says how the stream ended; then closes,
    /// as a client does after a response that said <c>Connection: close</c>.
    /// </summary>
    private static async Task<Ending> ReadRestAsync(RawConnection connection, EventStreamReader events)
    {
        var rest = await events.ReadAllEventsAsync();
        Assert.True(events.Ended);
        Assert.True(await connection.IsClosedByServerAsync());
        await connection.DisposeAsync();
        var names = string.Join(",", rest.Select(e => e.Name));
        if (names == "usage,harness_end" && rest[1].Field("reason") is null)
        {
            return Ending.Finished;
        }
        Assert.Equal("error,harness_end", names);
        Assert.Equal("Server is shutting down", rest[0].Field("message"));
        Assert.Equal("error", rest[1].Field("reason"));
        return Ending.ShuttingDown;
    }
}
