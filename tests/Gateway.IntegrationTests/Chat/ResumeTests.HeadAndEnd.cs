using Gateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>HEAD of a session's events (RFC 9110 §9.3.2) and the 204 that tells a reader with every event the stream is over.</summary>
public sealed partial class ResumeTests
{
    [Fact]
    public async Task AHeadGetsTheStreamsHeadAloneAndLeavesTheLiveReaderReading()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(new FakeTimeProvider());
        var (connection, stream, head) = await OpenGatedAsync(host, gate.Task);
        await using var _ = connection;
        var sessionId = head[0].Field("sessionId")!;

        await using var probe = await RawConnection.ConnectAsync(host.Host.EndPoint);
        await probe.SendAsync($"HEAD /chat/{sessionId}/events HTTP/1.1\r\nHost: test\r\nLast-Event-ID: 2\r\n\r\n");
        var answer = await probe.ReadResponseAsync(headRequest: true);
        Assert.Equal((200, "text/event-stream", "chunked", "no-cache"), (answer.StatusCode, answer.Header("Content-Type"), answer.Header("Transfer-Encoding"), answer.Header("Cache-Control")));
        // The response ended with its head: the connection's next answer comes next, with no chunk before it.
        await probe.SendAsync($"GET /chat/{sessionId}/events HTTP/1.1\r\nHost: test\r\nLast-Event-ID: 9\r\n\r\n");
        var ahead = await probe.ReadResponseAsync();
        Assert.Equal((400, """{"error":"Event 9 has not been sent; the last sent is 2"}"""), (ahead.StatusCode, ahead.Body));

        gate.SetResult();
        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal([3L, 4L, 5L], rest.Select(e => e.Id!.Value));
    }

    [Fact]
    public async Task AHeadDoesNotStopTheGraceOfASessionNobodyReads()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartAsync(clock);
        host.Model.ThenHang("thinking");
        var (connection, stream) = await host.OpenChatAsync(Go);
        var sessionId = (await stream.ReadUntilAsync("text"))[0].Field("sessionId")!;
        await connection.DisposeAsync();
        await WithinAsync(Patience, () => host.Host.ConnectionCount == 0, "the server closes the connection");

        clock.Advance(s_resume.Grace - TimeSpan.FromSeconds(1));
        await using (var probe = await RawConnection.ConnectAsync(host.Host.EndPoint))
        {
            await probe.SendAsync($"HEAD /chat/{sessionId}/events HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, (await probe.ReadResponseAsync(headRequest: true)).StatusCode);
            Assert.Equal("", await probe.ReadToEndAsync());
        }
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.Model.Cancelled.WaitAsync(Patience);
        await WithinAsync(Patience, () => host.SessionsGone, "the session is removed and its orchestrator returned");
    }

    [Fact]
    public async Task AReaderOfAnEndedSessionThatHasItsLastEventGets204AndOneWithoutItGetsTheRest()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(new FakeTimeProvider());
        var (connection, _, head) = await OpenGatedAsync(host, gate.Task);
        await using var __ = connection;
        var (reader, readerStream) = await OpenEventsAsync(host, head[0].Field("sessionId")!, "Last-Event-ID: 2\r\n");
        await using var ___ = reader;

        // The session ends while it is read: the reader's stream ends, and its reconnection with the last id is told there is no more.
        gate.SetResult();
        var rest = await readerStream.ReadAllEventsAsync();
        Assert.True(readerStream.Ended);
        var lastId = rest[^1].Id!.Value;
        await using var again = await SendGetAsync(host, head[0].Field("sessionId")!, $"Last-Event-ID: {lastId}\r\n", pathGiven: false);
        var done = await again.ReadResponseAsync();
        Assert.Equal((204, null, null, null, ""), (done.StatusCode, done.Header("Content-Length"), done.Header("Content-Type"), done.Header("Transfer-Encoding"), done.Body));
        await again.SendAsync($"HEAD /chat/{head[0].Field("sessionId")}/events HTTP/1.1\r\nHost: test\r\nLast-Event-ID: {lastId}\r\n\r\n");
        Assert.Equal(204, (await again.ReadResponseAsync(headRequest: true)).StatusCode);
        await again.SendAsync($"GET /chat/{head[0].Field("sessionId")}/events HTTP/1.1\r\nHost: test\r\nLast-Event-ID: {lastId - 1}\r\n\r\n");
        var last = await again.ReadWholeResponseAsync();
        Assert.Equal(200, last.StatusCode);
        Assert.Contains("event: harness_end", last.Body, StringComparison.Ordinal);
    }
}
