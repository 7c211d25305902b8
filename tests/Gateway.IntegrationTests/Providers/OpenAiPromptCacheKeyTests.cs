using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Providers;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary><c>prompt_cache_key</c>: a /chat session's id, where the provider takes it, and never beside a caller's own.</summary>
public sealed class OpenAiPromptCacheKeyTests : IDisposable
{
    private const string Head = """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]""";

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public void TheSessionIdIsTheKeyWhereTheProviderTakesIt()
    {
        var request = ProviderTestKit.Hello("m") with { SessionId = "0198-session" };

        Assert.Equal(Head + ""","prompt_cache_key":"0198-session"}""", Body(request, promptCacheKey: true));
        Assert.Equal(Head + "}", Body(request, promptCacheKey: false));
        Assert.Equal(Head + "}", Body(request with { SessionId = null }, promptCacheKey: true));
    }

    [Fact]
    public void ACallersOwnKeyIsSentAlone()
    {
        var request = ProviderTestKit.Hello("m") with
        {
            SessionId = "0198-session",
            Options = new TurnOptions { OpenAiFields = [KeyValuePair.Create("prompt_cache_key", RawJson.Parse("\"mine\""))] },
        };

        Assert.Equal(Head + ""","prompt_cache_key":"mine"}""", Body(request, promptCacheKey: true));
    }

    [Fact]
    public async Task EveryTurnOfAChatSessionCarriesItsId()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"object":"list","data":[{"id":"gpt-test","object":"model"}]}"""),
            UpstreamReply.Sse(OpenAiStreamScripts.Text));
        await using var host = await ChatTestHost.StartAsync(
            moreProviders: [new OpenAiCompatibleProvider("openai", upstream.Url("/v1"), "sk-test", _http) { SendsPromptCacheKey = true }]);
        var (connection, stream) = await host.OpenChatAsync("""{"model":"openai/gpt-test","messages":[{"role":"user","content":"Hi"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();

        Assert.Contains($$""","prompt_cache_key":"{{events[0].Field("sessionId")}}",""", upstream.Requests[1].Body, StringComparison.Ordinal);
    }

    private static string Body(ModelTurnRequest request, bool promptCacheKey) =>
        Encoding.UTF8.GetString(OpenAiCompatibleProvider.WriteRequestBody(request, promptCacheKey));
}
