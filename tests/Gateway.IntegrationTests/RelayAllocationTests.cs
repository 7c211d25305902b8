using System.Net.Sockets;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Runtime;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests;

/// <summary>
/// Issue 12: relaying an event allocates nothing. The process's allocations over whole sessions (gateway, upstream
/// stand-in and client, over loopback) are counted for a short and a long upstream stream; the difference per extra
/// event is what the relay costs per event, plus the sockets' extra reads for the longer body.
/// </summary>
[Collection(WholeHeapCollection.Name)]
public sealed class RelayAllocationTests(ITestOutputHelper output) : IDisposable
{
    private const int ShortStream = 32;
    private const int LongStream = 256;
    private const int Sessions = 100;

    /// <summary>
    /// Bytes per extra event the sessions may differ by. Nothing is allocated per event; a longer body takes more socket
    /// reads and pipe segments in each of the three processes' parts (about 20 B per event over 300 sessions when
    /// measured; a string per delta alone would be 60).
    /// </summary>
    private const double MaxBytesPerEvent = 40;

    private const string OpenAiListing = """{"object":"list","data":[{"id":"gpt-test","object":"model"}]}""";

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("/chat", """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"gpt-test","stream":true,"messages":[{"role":"user","content":"hi"}]}""")]
    public async Task ARelayedEventAllocatesNothing(string path, string json)
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(OpenAiListing));
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url(), null, _http)]);
        var request = Encoding.UTF8.GetBytes($"POST {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n{json}");
        var buffer = new byte[256 * 1024];
        var shortBody = UpstreamReply.Sse(OpenAiStream(ShortStream));
        var longBody = UpstreamReply.Sse(OpenAiStream(LongStream));

        async Task<long> AllocatedOverAsync(UpstreamReply body, int sessions)
        {
            for (var i = 0; i < sessions; i++)
            {
                upstream.Enqueue(body);
            }
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < sessions; i++)
            {
                await RunSessionAsync(host, request, buffer);
            }
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        // Warm up: tiering, pools and caches settle.
        await AllocatedOverAsync(longBody, 20);
        await AllocatedOverAsync(shortBody, 20);

        var shortSessions = await AllocatedOverAsync(shortBody, Sessions);
        var longSessions = await AllocatedOverAsync(longBody, Sessions);
        var perEvent = (double)(longSessions - shortSessions) / Sessions / (LongStream - ShortStream);
        output.WriteLine($"{path}: {shortSessions / Sessions} B per {ShortStream}-delta session, {longSessions / Sessions} B per {LongStream}-delta session, {perEvent:0.0} B per extra event");
        Assert.InRange(perEvent, double.MinValue, MaxBytesPerEvent);
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

    /// <summary>An OpenAI chat-completions stream of <paramref name="deltas"/> text deltas, a finish chunk, usage and [DONE].</summary>
    private static byte[] OpenAiStream(int deltas)
    {
        var body = new StringBuilder();
        for (var i = 0; i < deltas; i++)
        {
            body.Append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \\\"")
                .Append(i).Append("\\\" \"},\"finish_reason\":null}]}\n\n");
        }
        body.Append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        body.Append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\n");
        body.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(body.ToString());
    }
}
