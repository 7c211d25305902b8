using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.Providers;

/// <summary>The shared upstream policy: status failures, retries, cut streams, first-byte bound, cancellation.</summary>
public sealed class UpstreamFailureTests : IDisposable
{
    private static readonly TimeSpan IdleBound = TimeSpan.FromMilliseconds(300);

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ClientErrorFailsAtOnceWithStatusReasonAndBody()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"error":{"message":"Invalid API key","type":"invalid_request_error"}}""", 401, "Unauthorized"));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(
            [ProviderEvent.Failed("""test returned 401 Unauthorized: {"error":{"message":"Invalid API key","type":"invalid_request_error"}}""")],
            events);
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task BodyExcerptIsCutAt500Characters()
    {
        var body = new string('é', 800);
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(body, 400, "Bad Request"));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        // The upstream's verdict on the request itself keeps its status for the caller.
        Assert.Equal([ProviderEvent.Failed("test returned 400 Bad Request: " + body[..500], 400)], events);
    }

    [Fact]
    public async Task ServerErrorIsRetriedTwiceThenFails()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"error":"boom 1"}""", 500, "Internal Server Error"),
            UpstreamReply.Json("""{"error":"boom 2"}""", 502, "Bad Gateway"),
            UpstreamReply.Json("""{"error":"boom 3"}""", 500, "Internal Server Error"));

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal([ProviderEvent.Failed("""test returned 500 Internal Server Error: {"error":"boom 3"}""")], events);
        Assert.Equal(3, upstream.Requests.Count);
    }

    [Fact]
    public async Task TooManyRequestsIsRetriedAfterRetryAfterSeconds()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"error":"slow down"}""", 429, "Too Many Requests", ("Retry-After", "1")),
            UpstreamReply.Sse(OpenAiStreamScripts.Text));
        var clock = Stopwatch.StartNew();

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(ProviderEventKind.TextDelta, events[0].Kind);
        Assert.Equal(ProviderEventKind.Usage, events[^1].Kind);
        Assert.Equal(2, upstream.Requests.Count);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
        Assert.Equal(upstream.Requests[0].Body, upstream.Requests[1].Body);
    }

    [Fact]
    public async Task RetryAfterAsHttpDateIsHonoured()
    {
        var date = DateTimeOffset.UtcNow.AddSeconds(2).ToString("r");
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("{}", 503, "Service Unavailable", ("Retry-After", date)),
            UpstreamReply.Sse(OpenAiStreamScripts.Text));
        var clock = Stopwatch.StartNew();

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(ProviderEventKind.Usage, events[^1].Kind);
        // The date has whole-second precision: the wait is between 1 and 2 s.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RefusedConnectionIsRetriedThenFails()
    {
        var port = UnusedPort();
        var provider = new OpenAiCompatibleProvider("test", new Uri($"http://127.0.0.1:{port}/v1"), "sk-test", _http);

        var events = await provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        var failure = Assert.Single(events);
        Assert.Equal(ProviderEventKind.Error, failure.Kind);
        Assert.StartsWith("test request failed: ", failure.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StreamWithoutItsEndMarkerFails(bool cut)
    {
        // Cut: the socket closes inside the chunked body. Not cut: the body ends properly, but [DONE] never came.
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Cut = cut });

        var events = await Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal([ProviderEvent.TextDelta("Hal"), ProviderEvent.Failed("test stream ended before completion")], events);
    }

    [Fact]
    public async Task AnthropicStreamWithoutMessageStopFails()
    {
        var script = AnthropicStreamScripts.Full[..AnthropicStreamScripts.Full.IndexOf("event: message_stop", StringComparison.Ordinal)];
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(script) with { Cut = true });
        var provider = new AnthropicProvider("claude", upstream.Url(), "key", _http);

        var events = await provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(ProviderEvent.Failed("claude stream ended before completion"), events[^1]);
        Assert.Single(events, e => e.Kind == ProviderEventKind.Error);
        Assert.DoesNotContain(events, e => e.Kind == ProviderEventKind.Usage);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SlowFirstByteFailsAfterTheBound(bool headLate)
    {
        using var http = new UpstreamHttp(ProviderTestKit.FastOptions with { FirstByteTimeout = TimeSpan.FromMilliseconds(300) });
        var slow = TimeSpan.FromSeconds(5);
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Sse(OpenAiStreamScripts.Text) with { HeadDelay = headLate ? slow : TimeSpan.Zero, BodyDelay = headLate ? TimeSpan.Zero : slow });
        var provider = new OpenAiCompatibleProvider("test", upstream.Url("/v1"), "sk-test", http);
        var clock = Stopwatch.StartNew();

        var events = await provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal([ProviderEvent.Failed("test sent no response within 0.3 s", 504)], events);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task SilenceInTheMiddleOfAnAnswerFailsAfterTheIdleBound()
    {
        var clock = new FakeTimeProvider();
        using var http = new UpstreamHttp(ProviderTestKit.FastOptions with { IdleTimeout = IdleBound, Clock = clock });
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });
        var provider = new OpenAiCompatibleProvider("test", upstream.Url("/v1"), "sk-test", http);

        // After its first piece the upstream holds the connection without a word while the clock passes the bound.
        var events = await provider.StreamEventsAsync(ProviderTestKit.Hello(), default)
            .CollectAsync(onText: () => clock.Advance(IdleBound));

        Assert.Equal([ProviderEvent.TextDelta("Hal"), ProviderEvent.Failed("test sent nothing for 0.3 s in the middle of its answer", 504)], events);
        // Failing the turn drops the held connection, as a cancelled one does.
        await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AnAnswerThatKeepsComingOutlastsTheIdleBound()
    {
        // Six pieces two thirds of the bound apart: four times the bound in all, never silent that long.
        var clock = new FakeTimeProvider();
        using var http = new UpstreamHttp(ProviderTestKit.FastOptions with { IdleTimeout = IdleBound, Clock = clock });
        using var nextPiece = new SemaphoreSlim(0);
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with
        {
            Pieces = [.. Enumerable.Repeat(Encoding.UTF8.GetBytes(OpenAiStreamScripts.NoDone), 6), Encoding.UTF8.GetBytes(OpenAiStreamScripts.Ending)],
            PieceGate = nextPiece,
        });
        var provider = new OpenAiCompatibleProvider("test", upstream.Url("/v1"), "sk-test", http);

        var events = await provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync(onText: () =>
        {
            clock.Advance(IdleBound * 2 / 3);
            nextPiece.Release();
        });

        Assert.Equal(6, events.Count(e => e.Kind == ProviderEventKind.TextDelta));
        Assert.Equal(ProviderEventKind.Usage, events[^1].Kind);
        Assert.DoesNotContain(events, e => e.Kind == ProviderEventKind.Error);
    }

    [Fact]
    public async Task CancellingMidStreamThrowsAndClosesTheUpstreamConnection()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });
        using var cancel = new CancellationTokenSource();
        var events = new List<ProviderEvent>();

        var turn = Task.Run(async () =>
        {
            await foreach (var item in Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), cancel.Token))
            {
                events.Add(item);
                // Cancel while the next read is pending on the silent upstream.
                cancel.CancelAfter(100);
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn.WaitAsync(TimeSpan.FromSeconds(5)));
        var cancelledAt = DateTime.UtcNow;
        var closedAt = await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(closedAt - cancelledAt < TimeSpan.FromSeconds(1), $"closed {closedAt - cancelledAt} after the cancellation");
        Assert.Equal([ProviderEvent.TextDelta("Hal")], events);
    }

    [Fact]
    public async Task CancelledTokenBetweenEventsThrowsAndClosesTheUpstreamConnection()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });
        using var cancel = new CancellationTokenSource();

        var turn = Task.Run(async () =>
        {
            await foreach (var item in Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), cancel.Token))
            {
                await cancel.CancelAsync(); // The consumer cancels before asking for the next event.
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn.WaitAsync(TimeSpan.FromSeconds(5)));
        var closedAt = await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(DateTime.UtcNow - closedAt < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AbandoningTheStreamClosesTheUpstreamConnection()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });

        await foreach (var item in Provider(upstream).StreamEventsAsync(ProviderTestKit.Hello(), default))
        {
            break; // Disposes the enumerator without cancelling.
        }

        await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task CompletedStreamsReuseTheConnection()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Sse(OpenAiStreamScripts.Text), UpstreamReply.Sse(OpenAiStreamScripts.Text));
        var provider = Provider(upstream);

        await provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();
        await provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();

        Assert.Equal(2, upstream.Requests.Count);
        Assert.Equal(1, upstream.ConnectionCount);
    }

    private OpenAiCompatibleProvider Provider(FakeUpstream upstream) => new("test", upstream.Url("/v1"), "sk-test", _http);

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
