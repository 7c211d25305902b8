using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Local;
using Gateway.IntegrationTests.OpenAi;
using static Gateway.IntegrationTests.Local.LocalModelFiles;
using static Gateway.IntegrationTests.Metrics.Exposition;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>/v1 calls on the in-process successor model: counted as model calls, with their tokens, and the decode loop's own series.</summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalModelMetricsTests
{
    /// <summary>&lt;s&gt;, "▁", then one token per character of the ChatML prompt.</summary>
    private const int PromptTokens = 2 + 52;

    [Fact]
    public async Task V1CallsOnALocalModelAreCountedWithTheirTokensAndDecodeTime()
    {
        await using var local = Provider();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [local]);

        Assert.Equal(200, (await host.CompleteAsync("""{"model":"successor-tiny","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""")).StatusCode);
        var (head, _) = await host.StreamAsync("""{"model":"successor-tiny","stream":true,"max_tokens":3,"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(200, head.StatusCode);

        var body = (await host.Host.GetAsync("/metrics")).Body;
        const string Labels = "provider=\"local\",model=\"successor-tiny\"";
        Assert.Equal(2, Value(body, $"gateway_upstream_requests_total{{{Labels},status=\"200\"}}"));
        Assert.Equal(2, Value(body, $"gateway_upstream_duration_seconds_count{{{Labels}}}"));
        Assert.Equal(2, Value(body, $"gateway_upstream_time_to_first_token_seconds_count{{{Labels}}}"));
        Assert.Equal(2 * PromptTokens, Value(body, $"gateway_tokens_total{{{Labels},kind=\"input\"}}"));
        Assert.Equal(5 + 3, Value(body, $"gateway_tokens_total{{{Labels},kind=\"output\"}}"));
        // The second call's prompt is the first's, kept in the KV cache: all of it but the last token, decoded again for its logits.
        Assert.Equal(PromptTokens - 1, Value(body, $"gateway_tokens_total{{{Labels},kind=\"cache_read\"}}"));
        Assert.Equal(PromptTokens - 1, Value(body, "gateway_local_cached_prompt_tokens_total{model=\"successor-tiny\"}"));
        Assert.True(Value(body, "gateway_local_generated_tokens_total{model=\"successor-tiny\"}") >= 5 + 3);
        Assert.True(Value(body, "gateway_local_prefill_seconds_total{model=\"successor-tiny\"}") > 0);
        Assert.True(Value(body, "gateway_local_decode_seconds_total{model=\"successor-tiny\"}") > 0);
        Assert.Equal(0, Value(body, "gateway_local_queued_sequences{model=\"successor-tiny\"}"));
    }
}
