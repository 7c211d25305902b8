using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics;

namespace Gateway.IntegrationTests.Observability;

/// <summary>Issue 13, "Logs": logging never blocks a request; what the queue cannot hold is dropped and counted (in /metrics too).</summary>
public sealed class LogQueueTests
{
    private const int Requests = 40;

    [Fact]
    public async Task RequestsAreAnsweredWhileTheLogWriterIsBlockedAndTheLinesItCouldNotHoldAreCounted()
    {
        using var output = new BlockingWriter();
        // About five access lines fit: the rest must be dropped while the writer is stuck.
        await using var log = new GatewayLog(LogLevel.Info, output, LogFormat.Json, queueBytes: 1024);
        await using var host = await ChatTestHost.StartAsync(log: log);
        await using var connection = await RawConnection.ConnectAsync(host.Host.EndPoint);

        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
        await output.Entered.WaitAsync(RawConnection.ReadTimeout);

        // The writer now holds the first line and waits for the test; every request is still answered (each read is bounded).
        for (var i = 1; i < Requests; i++)
        {
            await connection.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
            Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
        }
        Assert.InRange(log.DroppedLines, Requests - 10, Requests - 2);

        // /metrics counts them too; its own access line is dropped after its answer is written.
        var dropped = log.DroppedLines;
        await connection.SendAsync("GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.Contains($"\ngateway_log_lines_dropped_total {dropped}\n", (await connection.ReadResponseAsync()).Body, StringComparison.Ordinal);
        dropped = log.DroppedLines;

        output.Release();
        await log.DrainAsync().WaitAsync(RawConnection.ReadTimeout);
        var written = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(written, line => Assert.Contains("\"msg\":\"request\"", line, StringComparison.Ordinal));
        Assert.Equal(Requests + 1, written.Length + dropped);
        Assert.Equal(dropped, log.DroppedLines);
    }

    /// <summary>Standard error stuck: the first write blocks until the test releases it (bounded, so a failing test cannot hang).</summary>
    private sealed class BlockingWriter : TextWriter
    {
        private readonly ManualResetEventSlim _released = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public Task Entered => _entered.Task;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Release() => _released.Set();

        public override void Write(char[] buffer, int index, int count)
        {
            _entered.TrySetResult();
            _released.Wait(RawConnection.ReadTimeout);
            lock (_text)
            {
                _text.Append(buffer, index, count);
            }
        }

        protected override void Dispose(bool disposing)
        {
            _released.Dispose();
            base.Dispose(disposing);
        }
    }
}
