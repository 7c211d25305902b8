using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using Gateway.Tools;

namespace Gateway.IntegrationTests.Providers;

/// <summary>/chat's reasoningEffort on chat completions: <c>reasoning_effort</c>, dropped for a model that refuses it (SPEC §3: ignored).</summary>
public sealed class OpenAiReasoningEffortTests : IDisposable
{
    private const string Refusal =
        """{"error":{"message":"Unsupported parameter: 'reasoning_effort' is not supported with this model.","type":"invalid_request_error","param":"reasoning_effort","code":"unsupported_parameter"}}""";

    private readonly UpstreamHttp _http = new(ProviderTestKit.FastOptions);

    public void Dispose() => _http.Dispose();

    [Fact]
    public void TheEffortIsWrittenUnlessTheCallerSentItsOwn()
    {
        var request = ProviderTestKit.Hello("m") with { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.Medium } };
        var forwarded = request with
        {
            Options = new TurnOptions { ReasoningEffort = null, OpenAiFields = [KeyValuePair.Create("reasoning_effort", RawJson.Parse("\"minimal\""))] },
        };
        const string Head = """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]""";

        Assert.Equal(Head + ""","reasoning_effort":"medium"}""", Encoding.UTF8.GetString(OpenAiCompatibleProvider.WriteRequestBody(request)));
        Assert.Equal(Head + ""","reasoning_effort":"minimal"}""", Encoding.UTF8.GetString(OpenAiCompatibleProvider.WriteRequestBody(forwarded)));
    }

    [Fact]
    public async Task AModelThatRefusesTheFieldIsAskedAgainWithoutIt()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json(Refusal, 400, "Bad Request"), UpstreamReply.Sse(OpenAiStreamScripts.Text));
        var request = ProviderTestKit.Hello("gpt-4o") with { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.Low } };

        var events = await Provider(upstream).StreamEventsAsync(request, default).CollectAsync();

        Assert.Equal(
            [
                ProviderEvent.TextDelta("Hel"),
                ProviderEvent.TextDelta("lo, wörld 🙂 \"quoted\""),
                ProviderEvent.Finished(FinishReason.Stop),
                ProviderEvent.UsageReported(new TokenUsage(9, 3, CacheReadTokens: 4)),
            ],
            events);
        Assert.Equal(2, upstream.Requests.Count);
        Assert.Contains("\"reasoning_effort\":\"low\"", upstream.Requests[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("reasoning_effort", upstream.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyOtherRefusalFailsTheTurnAtOnce()
    {
        await using var upstream = FakeUpstream.Start(UpstreamReply.Json("""{"error":{"message":"bad model"}}""", 400, "Bad Request"));
        var request = ProviderTestKit.Hello("gpt-4o") with { Options = new TurnOptions { ReasoningEffort = ReasoningEffort.Low } };

        var events = await Provider(upstream).StreamEventsAsync(request, default).CollectAsync();

        Assert.Equal([ProviderEvent.Failed("""openai returned 400 Bad Request: {"error":{"message":"bad model"}}""", 400)], events);
        Assert.Single(upstream.Requests);
    }

    private OpenAiCompatibleProvider Provider(FakeUpstream upstream) => new("openai", upstream.Url("/v1"), "sk-test", _http);
}
