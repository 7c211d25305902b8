using System.Diagnostics;
using Gateway.LoadGen;

namespace Gateway.Perf.Tests;

public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task StampsHeadersConnectedFirstTextAndEndOfAScriptedChunkedStreamAndReusesTheConnection()
    {
        var options = new LoadOptions { Url = new Uri("http://127.0.0.1/chat"), Sse = true, Body = "{}"u8.ToArray() };
        var scanner = new SseScanner(options.ConnectedMarker, options.FirstContentMarker);
        long textWritten = 0, endWritten = 0;
        await using var server = new ScriptedServer(async (stream, index) =>
        {
            if (index == 1)
            {
                await ScriptedServer.WriteAsync(stream, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy!");
                return;
            }
            await ScriptedServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            await ScriptedServer.WriteAsync(stream, "2a\r\nevent: connected\ndata: {\"sessionId\":\"S\"}\n\n\r\n9\r\nevent: te\r\n");
            // Each piece is written only once the client has stamped the line before it, so every stamp can be
            // placed between two write times without assuming anything about how fast this shared machine is.
            await UntilAsync(() => scanner.ConnectedAt != 0);
            textWritten = Stopwatch.GetTimestamp();
            await ScriptedServer.WriteAsync(stream, "1A\r\nxt\ndata: {\"n\":1}\n\n: ping\n\n\r\n");
            await UntilAsync(() => scanner.FirstContentAt != 0);
            endWritten = Stopwatch.GetTimestamp();
            await ScriptedServer.WriteAsync(stream, "1a;ext=1\r\nevent: usage\r\ndata: {}\r\n\r\n\r\n0\r\nTrailer: x\r\n\r\n");
        });
        options = options with { Url = server.Url("/chat") };
        using var watchdog = new TimeoutWatchdog();
        using var connection = new LoadConnection(new TargetRequest(options), watchdog, scanner);

        var start = Stopwatch.GetTimestamp();
        var reusable = await connection.ExchangeAsync(start + Stopwatch.Frequency * 5);
        var first = connection.Outcomes[0];
        var again = await connection.ExchangeAsync(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5);

        Assert.Equal((ErrorKind.None, 200, 3, true), (first.Error, first.Status, first.Events, reusable));
        // A line's stamp is the read that completed it: after its last bytes were written, before the next piece was.
        Assert.True(first.Headers > start && first.Connected >= first.Headers && first.Connected < textWritten);
        Assert.InRange(first.FirstContent, textWritten, endWritten - 1);
        Assert.True(first.End >= endWritten);
        Assert.True(again);
        Assert.Equal((ErrorKind.Status, 503), (connection.Outcomes[0].Error, connection.Outcomes[0].Status));
    }

    [Fact]
    public async Task ReportsATimeoutWhenTheServerStallsAndARefusedConnect()
    {
        await using var server = new ScriptedServer((_, _) => Task.Delay(3000));
        var options = new LoadOptions { Url = server.Url("/health") };
        using var watchdog = new TimeoutWatchdog();
        using var stalled = new LoadConnection(new TargetRequest(options), watchdog, null);
        var closedPort = new LoadOptions { Url = new Uri("http://127.0.0.1:1/") };
        using var refused = new LoadConnection(new TargetRequest(closedPort), watchdog, null);

        var reusable = await stalled.ExchangeAsync(Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10);
        await refused.ExchangeAsync(Stopwatch.GetTimestamp() + Stopwatch.Frequency);

        Assert.False(reusable);
        Assert.Equal(ErrorKind.Timeout, stalled.Outcomes[0].Error);
        Assert.Equal(ErrorKind.ConnectRefused, refused.Outcomes[0].Error);
    }

    [Fact]
    public async Task OpenLoopKeepsItsRateAgainstASlowServerAndMeasuresFromTheScheduledStart()
    {
        // One response at a time, 20 ms each: about 45/s of capacity, offered 100/s for one second.
        using var gate = new SemaphoreSlim(1);
        await using var server = new ScriptedServer(async (stream, _) =>
        {
            await gate.WaitAsync();
            try
            {
                await Task.Delay(20);
                await ScriptedServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
            finally
            {
                gate.Release();
            }
        });
        var options = new LoadOptions
        {
            Url = server.Url("/health"), Mode = LoadMode.Open, Rate = 100, Connections = 4,
            Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(8),
        };
        using var watchdog = new TimeoutWatchdog();
        var step = options.Steps()[0];

        var result = await new OpenLoop(new TargetRequest(options), options, watchdog).RunAsync(step, new StepMetrics());

        Assert.Equal(100, result.Sent);
        Assert.Equal(100, result.Ok);
        Assert.Equal(100, result.AttemptedRate, 1);
        var end = result.Metrics.Single(m => m.Name == "end");
        // A closed loop (or an open loop timing from the write) would report ~20 ms; the queue behind the slow
        // server makes the later requests wait about a second after their scheduled time.
        Assert.True(end.P50 > 250, $"p50 {end.P50} ms");
        Assert.True(end.Max > 800, $"max {end.Max} ms");
        Assert.True(result.PeakConnections > 40, $"peak connections {result.PeakConnections}");
    }

    [Fact]
    public async Task ClosedLoopWithARequestCountSendsExactlyThatManyAndEndsBeforeItsDuration()
    {
        await using var server = new ScriptedServer((stream, _) => ScriptedServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        var options = LoadOptionsParser.Parse(["--url", server.Url("/health").ToString(), "--connections", "8", "--requests", "1000",
            "--warmup", "0", "--duration", "60s"]);
        using var watchdog = new TimeoutWatchdog();

        var result = await new ClosedLoop(new TargetRequest(options), options, watchdog).RunAsync(options.Steps()[0], new StepMetrics());

        Assert.Equal((1000L, 1000L, 0L), (result.Sent, result.Ok, result.Errors));
        // The run ended with its last request, not after the minute it was allowed: the rate is over what it measured.
        Assert.InRange(result.DurationSeconds, 0.000_001, 59);
    }

    /// <summary>Polls until the condition holds; the test fails after 5 s.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "the load generator did not stamp the line within 5 s");
            await Task.Delay(1);
        }
    }
}
