using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Providers;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.Providers;

/// <summary>
/// The upstream HTTP/1.1 client against a server that writes exact bytes: keep-alive and its limits, body framings
/// split anywhere, cut and stale connections, cancellation, TLS, the head bound and the proxy path.
/// </summary>
public sealed class UpstreamClientTests : IAsyncDisposable
{
    private static readonly UpstreamHttpOptions Options = ProviderTestKit.FastOptions with { Proxy = null };

    private readonly UpstreamClient _client = new(Options);
    private readonly UpstreamHttp _http = new(Options);
    private readonly RawUpstream _upstream = RawUpstream.Start();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task TheRequestIsWrittenAsOneHeadAndItsBody()
    {
        var request = new UpstreamRequest(
            HttpMethod.Post, _upstream.Url("/v1/chat/completions?x=1"), [new("Authorization", "Bearer sk-test")], """{"a":1}"""u8.ToArray(), "text/event-stream");
        var call = _client.SendAsync(request, default).AsTask();
        var connection = await _upstream.AcceptAsync();

        var (head, body) = await connection.ReadRequestAsync();
        await connection.WriteAsync("HTTP/1.1 204 No Content\r\n\r\n");
        await using var response = await call;

        Assert.Equal(
            $"POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{_upstream.Port}\r\nAccept: text/event-stream\r\n"
            + "Authorization: Bearer sk-test\r\nContent-Type: application/json\r\nContent-Length: 7",
            head);
        Assert.Equal("""{"a":1}""", body);
        Assert.Equal(204, response.StatusCode);
    }

    [Fact]
    public async Task KeepAliveCarriesTheNextCallOnTheSameConnection()
    {
        var first = _client.SendAsync(Get(), default).AsTask();
        var connection = await AcceptRequestAsync();
        await AnswerAsync(connection, first, "first");

        var second = _client.SendAsync(Get(), default).AsTask();
        await connection.ReadRequestAsync();
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n");
        Assert.Equal("second", await ReadToEndAsync(await second));

        Assert.Equal(1, _upstream.ConnectionCount);
    }

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    public async Task AnEmptyBodyEndsAtOnceAndKeepsTheConnection(string answer)
    {
        var first = _client.SendAsync(Get(), default).AsTask();
        var connection = await AcceptRequestAsync();
        await connection.WriteAsync(answer);
        Assert.Equal("", await ReadToEndAsync(await first));

        var second = _client.SendAsync(Get(), default).AsTask();
        await connection.ReadRequestAsync();
        await AnswerAsync(connection, second, "again");
        Assert.Equal(1, _upstream.ConnectionCount);
    }

    [Theory]
    [InlineData("Connection: close\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    public async Task AnAnswerThatEndsItsConnectionIsNotReused(string rest)
    {
        var first = _client.SendAsync(Get(), default).AsTask();
        var connection = await AcceptRequestAsync();
        await connection.WriteAsync("HTTP/1.1 200 OK\r\n" + rest);
        Assert.Equal("ok", await ReadToEndAsync(await first));
        await connection.WaitForCloseAsync();

        var second = _client.SendAsync(Get(), default).AsTask();
        var next = await AcceptRequestAsync();
        await AnswerAsync(next, second, "ok");
    }

    [Theory]
    [InlineData("Content-Length: 19\r\n\r\nabc0123456789abcdef", 1)]
    [InlineData("Content-Length: 19\r\n\r\nabc0123456789abcdef", 7)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer-Field: x\r\n\r\n", 1)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer-Field: x\r\n\r\n", 2)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer-Field: x\r\n\r\n", 5)]
    [InlineData("\r\nabc0123456789abcdef", 3)]
    public async Task ABodySplitAnywhereArrivesWhole(string afterStatusLine, int pieceBytes)
    {
        var call = _client.SendAsync(Get(), default).AsTask();
        var connection = await AcceptRequestAsync();

        // Every piece is its own write: the splits fall inside the status line, field lines, size lines, CRLFs and data.
        await connection.WritePiecesAsync(Chunking.Every(pieceBytes).Split(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n" + afterStatusLine)));
        var closeDelimited = !afterStatusLine.Contains("Content-Length", StringComparison.Ordinal) && !afterStatusLine.Contains("chunked", StringComparison.Ordinal);
        if (closeDelimited)
        {
            await connection.DisposeAsync();
        }

        Assert.Equal("abc0123456789abcdef", await ReadToEndAsync(await call));
    }

    [Fact]
    public async Task ABacklogOfChunksIsDecodedAWindowAtATime()
    {
        const int Chunks = 192;
        var call = _client.SendAsync(Get(), default).AsTask();
        var connection = await AcceptRequestAsync();
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        await using var response = await call;

        // Chunks of 1 KiB as the lab's mock sends them, all in the connection's input before a byte is read: a stream
        // whose client was behind. Decoded at once, the backlog grew one array as large (perf/README.md scenario 8).
        var piece = Encoding.ASCII.GetBytes(new string('w', 1024));
        await connection.WriteAsync([.. Enumerable.Repeat(piece, Chunks).SelectMany(Chunk), .. "0\r\n\r\n"u8.ToArray()]);
        await connection.WaitUntilTakenAsync();

        using var bound = new CancellationTokenSource(RawUpstreamConnection.WaitBound);
        long received = 0, largestRead = 0;
        while (true)
        {
            var read = await response.Body.ReadAsync(bound.Token);
            largestRead = Math.Max(largestRead, read.Buffer.Length);
            Assert.Equal(read.Buffer.Length, CountOf((byte)'w', read.Buffer));
            received += read.Buffer.Length;
            response.Body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }
        Assert.Equal(Chunks * piece.Length, received);
        Assert.InRange(largestRead, piece.Length, UpstreamBody.DecodeWindowBytes);
    }

    [Fact]
    public async Task ATrailerLineLongerThanTheDecodeWindowIsReadAndTheConnectionKept()
    {
        var first = _client.SendAsync(Get(), default).AsTask();
        var connection = await AcceptRequestAsync();
        // Within the trailer section's 32 KiB (RFC 9112 §7.1.2), but no window of the input holds the line whole.
        var trailer = "Trailer-Field: " + new string('t', UpstreamBody.DecodeWindowBytes + 1024) + "\r\n";
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n0\r\n" + trailer + "\r\n");
        Assert.Equal("first", await ReadToEndAsync(await first));

        var second = _client.SendAsync(Get(), default).AsTask();
        await connection.ReadRequestAsync();
        await AnswerAsync(connection, second, "second");
        Assert.Equal(1, _upstream.ConnectionCount);
    }

    [Fact]
    public async Task AStreamCutInsideAChunkEndsBeforeCompletion()
    {
        var (turn, connection) = await StartTurnAsync();

        var events = Encoding.UTF8.GetBytes(OpenAiStreamScripts.NoDone);
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        await connection.WriteAsync([.. Chunk(events), .. Encoding.ASCII.GetBytes("40\r\ndata: {\"cho")]);
        await connection.DisposeAsync();

        Assert.Equal([ProviderEvent.TextDelta("Hal"), ProviderEvent.Failed("test stream ended before completion")], await turn);
    }

    [Fact]
    public async Task AnErrorWithAnEmptyBodyFailsWithItsStatusAlone()
    {
        var (turn, connection) = await StartTurnAsync();
        await connection.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal([ProviderEvent.Failed("test returned 404 Not Found", 404)], await turn);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AKeepAliveConnectionTheServerClosedGivesWayToANewOne(bool closedWhileIdle)
    {
        var first = _client.SendAsync(Get(), default).AsTask();
        var stale = await AcceptRequestAsync();
        await AnswerAsync(stale, first, "ok");
        if (closedWhileIdle)
        {
            await stale.DisposeAsync();
        }

        var second = _client.SendAsync(Get(), default).AsTask();
        if (!closedWhileIdle)
        {
            // The close races the request: the server drops the connection the request went out on, answering nothing.
            await stale.ReadRequestAsync();
            await stale.DisposeAsync();
        }
        var fresh = await AcceptRequestAsync();
        await AnswerAsync(fresh, second, "fresh");
        Assert.Equal(2, _upstream.ConnectionCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACancelledCallClosesItsConnection(bool duringTheHead)
    {
        using var cancel = new CancellationTokenSource();
        var call = _client.SendAsync(Get(), cancel.Token).AsTask();
        var connection = await AcceptRequestAsync();

        if (duringTheHead)
        {
            await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Le");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }
        else
        {
            await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
            await using var response = await call;
            var read = await response.Body.ReadAsync(cancel.Token);
            response.Body.AdvanceTo(read.Buffer.End);
            var pending = response.Body.ReadAsync(cancel.Token).AsTask();
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }

        await connection.WaitForCloseAsync();
    }

    [Fact]
    public async Task APooledConnectionOlderThanItsLifetimeIsClosedNotReused()
    {
        var clock = new FakeTimeProvider();
        using var client = new UpstreamClient(Options with { Clock = clock, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var first = client.SendAsync(Get(), default).AsTask();
        var old = await AcceptRequestAsync();
        await AnswerAsync(old, first, "old");

        clock.Advance(TimeSpan.FromMinutes(5));
        var second = client.SendAsync(Get(), default).AsTask();
        await old.WaitForCloseAsync();
        var young = await AcceptRequestAsync();
        await AnswerAsync(young, second, "young");
    }

    [Fact]
    public async Task AConnectionReturnedBeyondTheIdleBoundIsClosed()
    {
        using var client = new UpstreamClient(Options with { MaxIdleConnectionsPerOrigin = 1 });
        var first = client.SendAsync(Get(), default).AsTask();
        var kept = await AcceptRequestAsync();
        var second = client.SendAsync(Get(), default).AsTask();
        var extra = await AcceptRequestAsync();

        await AnswerAsync(kept, first, "a");
        await AnswerAsync(extra, second, "b");

        await extra.WaitForCloseAsync();
        var third = client.SendAsync(Get(), default).AsTask();
        await kept.ReadRequestAsync();
        await AnswerAsync(kept, third, "c");
    }

    [Fact]
    public async Task AConnectionThatDoesNotOpenFailsAtTheConnectTimeout()
    {
        // A listener whose accept queue (backlog 0: one connection) is full and never accepted: the kernel drops the
        // next SYN, so that connect hangs until the bound cancels it.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(listener.LocalEndPoint!);
        var clock = new FakeTimeProvider();
        using var client = new UpstreamClient(Options with { Clock = clock, ConnectTimeout = TimeSpan.FromSeconds(10) });

        // The bound's timer starts before the call first waits, so stepping the clock now fires it.
        var call = client.SendAsync(Get(new Uri($"http://127.0.0.1:{port}/")), default).AsTask();
        clock.Advance(TimeSpan.FromSeconds(10));

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => call.WaitAsync(RawUpstreamConnection.WaitBound));
        Assert.Equal($"Connecting to 127.0.0.1:{port} timed out after 10 s.", failure.Message);
    }

    [Fact]
    public async Task AHeadLargerThanTheBoundFailsClearly()
    {
        using var client = new UpstreamClient(Options with { MaxResponseHeadBytes = 1024 });
        var call = client.SendAsync(Get(), default).AsTask();
        var connection = await AcceptRequestAsync();
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nX-Padding: " + new string('p', 2000) + "\r\nContent-Length: 0\r\n\r\n");

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => call);
        Assert.Equal("The upstream's response head is larger than 1024 bytes.", failure.Message);
        await connection.WaitForCloseAsync();
    }

    [Fact]
    public async Task TlsSendsTheServerNameAndAcceptsOnlyATrustedCertificate()
    {
        using var certificate = TestCertificate.Create("localhost");
        await using var upstream = RawUpstream.Start(certificate);
        var trusting = Options with
        {
            ServerCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
        };
        using var client = new UpstreamClient(trusting);

        var call = client.SendAsync(Get(upstream.Url("/v1/models", "localhost")), default).AsTask();
        var connection = await upstream.AcceptAsync();
        var (head, _) = await connection.ReadRequestAsync();
        await AnswerAsync(connection, call, "secret");
        Assert.Equal("localhost", connection.ServerName);
        Assert.StartsWith($"GET /v1/models HTTP/1.1\r\nHost: localhost:{upstream.Port}\r\n", head, StringComparison.Ordinal);

        // The TLS session is kept alive like a plain connection.
        var again = client.SendAsync(Get(upstream.Url("/v1/models", "localhost")), default).AsTask();
        await connection.ReadRequestAsync();
        await AnswerAsync(connection, again, "again");
        Assert.Equal(1, upstream.ConnectionCount);

        // Without the options' hook the system's trust store decides, and it does not know this certificate.
        var untrusted = await Assert.ThrowsAsync<HttpRequestException>(() => _client.SendAsync(Get(upstream.Url("/", "localhost")), default).AsTask());
        Assert.StartsWith("The SSL connection could not be established", untrusted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProxyTakesTheCallThroughHttpClient()
    {
        // The environment's proxy variables are read by HttpClient into its default proxy, which is the options' default.
        Assert.Same(HttpClient.DefaultProxy, new UpstreamHttpOptions().Proxy);
        using var client = new UpstreamClient(Options with { Proxy = new WebProxy(_upstream.Url()) });

        var call = client.SendAsync(Get(new Uri("http://upstream.invalid/v1/models")), default).AsTask();
        var proxy = await _upstream.AcceptAsync();
        var (head, _) = await proxy.ReadRequestAsync();
        await proxy.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied");

        // A proxy is asked in absolute form (RFC 9112 §3.2.2), which only the HttpClient path writes.
        Assert.StartsWith("GET http://upstream.invalid/v1/models HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Equal("proxied", await ReadToEndAsync(await call));
    }

    private UpstreamRequest Get(Uri? uri = null) => new(HttpMethod.Get, uri ?? _upstream.Url("/v1/models"), [], null, "application/json");

    /// <summary>A turn of an OpenAI-compatible provider under the upstream policy, and the connection its request came on.</summary>
    private async Task<(Task<List<ProviderEvent>> Turn, RawUpstreamConnection Connection)> StartTurnAsync()
    {
        var provider = new OpenAiCompatibleProvider("test", _upstream.Url("/v1"), "sk-test", _http);
        var turn = provider.StreamEventsAsync(ProviderTestKit.Hello(), default).CollectAsync();
        return (turn, await AcceptRequestAsync());
    }

    /// <summary>The next connection, with the request a call sent on it read.</summary>
    private async Task<RawUpstreamConnection> AcceptRequestAsync(RawUpstream? upstream = null)
    {
        var connection = await (upstream ?? _upstream).AcceptAsync();
        await connection.ReadRequestAsync();
        return connection;
    }

    /// <summary>Answers the request just read with a Content-Length body, which the call must receive whole.</summary>
    private static async Task AnswerAsync(RawUpstreamConnection connection, Task<UpstreamResponse> call, string body)
    {
        await connection.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Equal(body, await ReadToEndAsync(await call));
    }

    private static byte[] Chunk(byte[] data) =>
        [.. Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. data, .. "\r\n"u8.ToArray()];

    private static long CountOf(byte value, in ReadOnlySequence<byte> buffer)
    {
        long count = 0;
        foreach (var segment in buffer)
        {
            count += segment.Span.Count(value);
        }
        return count;
    }

    /// <summary>The whole body, then the response disposed (which gives its connection back).</summary>
    private static async Task<string> ReadToEndAsync(UpstreamResponse response)
    {
        await using var _ = response;
        using var bound = new CancellationTokenSource(RawUpstreamConnection.WaitBound);
        var body = new ArrayBufferWriter<byte>();
        while (true)
        {
            var read = await response.Body.ReadAsync(bound.Token);
            foreach (var segment in read.Buffer)
            {
                body.Write(segment.Span);
            }
            response.Body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return Encoding.UTF8.GetString(body.WrittenSpan);
            }
        }
    }
}
