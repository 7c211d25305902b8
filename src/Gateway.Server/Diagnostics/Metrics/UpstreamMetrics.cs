using System.Collections.Concurrent;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The model calls' series, by provider and model: calls by status, time to first token, duration, tokens, retries.</summary>
internal sealed class UpstreamMetrics
{
    /// <summary>The status of a call the caller cancelled (the client left): nginx's "client closed request".</summary>
    public const int CanceledStatus = 499;

    /// <summary>Model ids come from clients (<c>provider/anything</c> passes upstream as it is): past this many, one series per provider takes the rest.</summary>
    private const int MaxModels = 256;

    private const string OtherModel = "other";

    private readonly TimeProvider _clock;
    private readonly RecordedFamily<Counter> _requests;
    private readonly RecordedFamily<Histogram> _firstToken;
    private readonly RecordedFamily<Histogram> _durations;
    private readonly RecordedFamily<Counter> _tokens;
    private readonly RecordedFamily<Counter> _retries;
    private readonly ConcurrentDictionary<(string Provider, string Model), ModelSeries> _models = new();

    public UpstreamMetrics(MetricsRegistry registry, TimeProvider clock)
    {
        _clock = clock;
        _requests = registry.Counters("gateway_upstream_requests_total", "Model calls (/chat, /summarize and /v1), by provider, model and the HTTP status they ended with (499: the caller left).", "provider", "model", "status");
        _firstToken = registry.Histograms("gateway_upstream_time_to_first_token_seconds", "Time from a model call's start to its first text, reasoning or tool call.", "provider", "model");
        _durations = registry.Histograms("gateway_upstream_duration_seconds", "Time a model call took, start to end.", "provider", "model");
        _retries = registry.Counters("gateway_upstream_retries_total", "Upstream requests sent again after a connect failure, 429 or 5xx before any answer.", "provider");
        _tokens = registry.Counters("gateway_tokens_total", "Tokens of model calls as the providers reported them, by kind (input, output, cache_read, cache_write).", "provider", "model", "kind");
    }

    public long Timestamp() => _clock.GetTimestamp();

    public TimeSpan Elapsed(long startedAt) => _clock.GetElapsedTime(startedAt);

    /// <summary>The series of one provider and model, bound on the first call and found by the call's own strings after that.</summary>
    public ModelSeries For(string provider, string model)
    {
        if (_models.TryGetValue((provider, model), out var series))
        {
            return series;
        }
        if (_models.Count >= MaxModels)
        {
            model = OtherModel;
        }
        return _models.GetOrAdd((provider, model), static (key, metrics) => new ModelSeries(metrics, key.Provider, key.Model), this);
    }

    public void Retried(string provider) => _retries.WithLabels(provider).Increment();

    /// <summary>One provider and model's series, bound once.</summary>
    internal sealed class ModelSeries(UpstreamMetrics metrics, string provider, string model)
    {
        public StatusCounters Requests { get; } = new(metrics._requests, provider, model);

        public Histogram FirstToken { get; } = metrics._firstToken.WithLabels(provider, model);

        public Histogram Duration { get; } = metrics._durations.WithLabels(provider, model);

        public Counter InputTokens { get; } = metrics._tokens.WithLabels(provider, model, "input");

        public Counter OutputTokens { get; } = metrics._tokens.WithLabels(provider, model, "output");

        public Counter CacheReadTokens { get; } = metrics._tokens.WithLabels(provider, model, "cache_read");

        public Counter CacheWriteTokens { get; } = metrics._tokens.WithLabels(provider, model, "cache_write");
    }
}
