using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Providers.Local;

/// <summary>The in-process models' series, read from their decode loops' statistics at each scrape, by model.</summary>
internal static class LocalModelMetrics
{
    public static void Register(MetricsRegistry registry, IReadOnlyList<LocalModelProvider> providers)
    {
        Read("gateway_local_queued_sequences", "Turns waiting for their decode loop to start them.", MetricType.Gauge, s => s.QueuedSequences);
        Read("gateway_local_active_sequences", "Sequences holding a slot: queued or being decoded.", MetricType.Gauge, s => s.ActiveSequences);
        Read("gateway_local_parked_sequences", "Ended turns whose KV cache is kept for a later turn that starts the same way.", MetricType.Gauge, s => s.ParkedSequences);
        Read("gateway_local_cached_prompt_tokens_total", "Prompt tokens found already in a kept KV cache, not prefilled again.", MetricType.Counter, s => s.CachedPromptTokens);
        Read("gateway_local_generated_tokens_total", "Tokens generated.", MetricType.Counter, s => s.GeneratedTokens);
        Read("gateway_local_decode_calls_total", "llama.cpp decode calls; sequences decoded together share one.", MetricType.Counter, s => s.DecodeCalls);
        Read("gateway_local_prefill_seconds_total", "Time in decode calls that read a prompt.", MetricType.Counter, s => s.PrefillTime.TotalSeconds);
        Read("gateway_local_decode_seconds_total", "Time in decode calls that only extended answers.", MetricType.Counter, s => s.DecodeTime.TotalSeconds);

        void Read(string name, string help, MetricType type, Func<LocalModelStatistics, double> figure) =>
            registry.ReadAtScrape(name, help, type, ["model"], samples =>
            {
                foreach (var model in providers.SelectMany(p => p.Loaded))
                {
                    samples.Add(figure(model.Statistics), model.Id);
                }
            });
    }
}
