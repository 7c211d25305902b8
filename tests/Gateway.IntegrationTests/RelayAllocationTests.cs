using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Runtime;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Xunit.Abstractions;
using static Gateway.IntegrationTests.Infrastructure.Upstream.ProviderTestKit;

namespace Gateway.IntegrationTests;

/// <summary>
/// Issue 12: relaying an event allocates nothing. The process's allocations over whole sessions (gateway, upstream
/// stand-in and client, over loopback) are counted for a short and a long upstream stream; the difference per extra
/// event is what the relay costs per event, plus the sockets' extra reads for the longer body. Sessions run one at a
/// time, or 32 at a time as the lab's load does: backed-up streams then hold more buffers at once than a shared pool
/// keeps, which a session at a time never shows.
/// </summary>
[Collection(WholeHeapCollection.Name)]
public sealed class RelayAllocationTests(ITestOutputHelper output) : IDisposable
{
    private const int ShortStream = 32;
    private const int LongStream = 256;
    private const int Sessions = 128;

    /// <summary>
    /// Bytes per extra event the sessions may differ by. Nothing is allocated per event; a longer body takes more socket
    /// reads and pipe segments in each of the three processes' parts (about 20 B per event over 300 sessions when
    /// measured; a string per delta alone would be 60).
    /// </summary>
    private const double MaxBytesPerEvent = 40;

    /// <summary>
    /// The same, 32 sessions at a time: noisier (10-50 B measured). Pipe blocks from the shared array pool, which keeps
    /// 32 per size per core, cost 150-230 B here, as in the lab.
    /// </summary>
    private const double MaxBytesPerEventConcurrent = 80;

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    /// <param name="oneWrite">
    /// The upstream answers as the lab's mock does: one HTTP chunk per event, the whole answer in one write, so the
    /// gateway's reads arrive full of many chunks and events; otherwise the body is one HTTP chunk.
    /// </param>
    /// <param name="concurrency">Sessions at a time.</param>
    [Theory]
    [InlineData("/chat", """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", false, 1)]
    [InlineData("/v1/chat/completions", """{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"hi"}]}""", false, 1)]
    [InlineData("/chat", """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""", true, 32)]
    [InlineData("/v1/chat/completions", """{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"hi"}]}""", true, 32)]
    [InlineData("/v1/messages", """{"model":"gpt-test","max_tokens":1000,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", false, 1)]
    [InlineData("/v1/messages", """{"model":"gpt-test","max_tokens":1000,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", true, 32)]
    public async Task ARelayedEventAllocatesNothing(string path, string json, bool oneWrite, int concurrency)
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url(), null, _http)]);
        var request = Encoding.UTF8.GetBytes($"POST {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n{json}");
        var buffers = Enumerable.Range(0, concurrency).Select(_ => new byte[256 * 1024]).ToArray();
        var shortBody = Reply(OpenAiStream(ShortStream), oneWrite);
        var longBody = Reply(OpenAiStream(LongStream), oneWrite);

        async Task<long> AllocatedOverAsync(UpstreamReply body, int sessions)
        {
            for (var i = 0; i < sessions; i++)
            {
                upstream.Enqueue(body);
            }
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < sessions; i += concurrency)
            {
                await Task.WhenAll(buffers.Select(b => RunSessionAsync(host, request, b)));
            }
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        // Warm up: tiering, pools and caches settle.
        await AllocatedOverAsync(longBody, Math.Max(20, concurrency));
        await AllocatedOverAsync(shortBody, Math.Max(20, concurrency));

        var shortSessions = await AllocatedOverAsync(shortBody, Sessions);
        var longSessions = await AllocatedOverAsync(longBody, Sessions);
        var perEvent = (double)(longSessions - shortSessions) / Sessions / (LongStream - ShortStream);
        output.WriteLine($"{path}{(oneWrite ? " (one write)" : "")}, {concurrency} at a time: {shortSessions / Sessions} B per {ShortStream}-delta session, {longSessions / Sessions} B per {LongStream}-delta session, {perEvent:0.0} B per extra event");
        Assert.InRange(perEvent, double.MinValue, concurrency == 1 ? MaxBytesPerEvent : MaxBytesPerEventConcurrent);
    }

    /// <summary>One session on its own connection, read to its end (the gateway closes it: <c>Connection: close</c>).</summary>
    private static async Task RunSessionAsync(ChatTestHost host, byte[] request, byte[] buffer)
    {
        // One bound for the whole session, through the token: a wait per read would allocate per read.
        using var patience = new CancellationTokenSource(AgentScript.Patience);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(host.Host.EndPoint, patience.Token);
        await socket.SendAsync(request, SocketFlags.None, patience.Token);
        var received = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer.AsMemory(received % (buffer.Length / 2)), SocketFlags.None, patience.Token)) > 0)
        {
            received += read;
        }
        Assert.True(received > 0);
    }

    /// <summary>The events as one HTTP chunk, or as one chunk each in a single write.</summary>
    private static UpstreamReply Reply(IReadOnlyList<string> events, bool oneWrite) => oneWrite
        ? UpstreamReply.Sse(string.Concat(events)) with { Pieces = [.. events.Select(Encoding.UTF8.GetBytes)], OneWrite = true }
        : UpstreamReply.Sse(string.Concat(events));

    /// <summary>An OpenAI chat-completions stream of <paramref name="deltas"/> text deltas, a finish chunk, usage and [DONE].</summary>
    private static IReadOnlyList<string> OpenAiStream(int deltas) =>
    [
        .. Enumerable.Range(0, deltas).Select(i =>
            $"data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"word \\\"{i}\\\" \"}},\"finish_reason\":null}}]}}\n\n"),
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\n",
        "data: [DONE]\n\n",
    ];
}
