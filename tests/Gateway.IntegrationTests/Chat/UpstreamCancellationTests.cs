using System.Diagnostics;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.Providers;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Xunit.Abstractions;

namespace Gateway.IntegrationTests.Chat;

/// <summary>
/// The whole chain with a real HTTP upstream: a client leaving /chat closes the gateway's
/// connection to the model API (SPEC §6 [Gateway]: within 1 s), seen from the upstream's side.
/// </summary>
[Collection(SpecTimingCollection.Name)]
public sealed class UpstreamCancellationTests(ITestOutputHelper output) : IDisposable
{
    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ClientDisconnectClosesTheUpstreamConnectionWithinOneSecond()
    {
        // The catalog lists the upstream's models at start-up; then the turn streams one delta and
        // the upstream holds the response open, as a slow model does.
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"object":"list","data":[{"id":"gpt-test","object":"model"}]}"""),
            UpstreamReply.Sse(OpenAiStreamScripts.NoDone) with { Hold = true });
        var provider = new OpenAiCompatibleProvider("upstream", upstream.Url("/v1"), "sk-test", _http);
        await using var host = await ChatTestHost.StartAsync(moreProviders: [provider]);

        var (connection, stream) = await host.OpenChatAsync("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""");
        var text = (await stream.ReadUntilAsync("text"))[^1];
        Assert.Equal("Hal", text.Field("content"));
        Assert.Equal(1, upstream.ConnectionCount);

        var clock = Stopwatch.StartNew();
        var disconnectedAt = DateTime.UtcNow;
        await connection.DisposeAsync();
        var closedAt = await upstream.ClientClosedHeldConnection.WaitAsync(TimeSpan.FromSeconds(5));
        await AgentScript.WithinAsync(TimeSpan.FromSeconds(1) - clock.Elapsed,
            () => host.SessionsGone, "the session is removed and its orchestrator returned");

        var elapsed = closedAt - disconnectedAt;
        output.WriteLine($"client disconnect -> upstream connection closed: {elapsed.TotalMilliseconds:0.0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"The upstream connection closed {elapsed.TotalMilliseconds:0.0} ms after the client left.");
    }
}
