using System.Collections.Concurrent;

namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>
/// Each client key's series, labelled by the key's name and never by the key: requests, refusals by the limit that
/// refused them, tokens, and sessions running (read at scrape).
/// </summary>
/// <remarks>
/// Names come from the operator (GATEWAY_KEYS_FILE, <c>api-key-N</c> for GATEWAY_API_KEYS), but each reload of the file
/// may add some: past <see cref="MaxKeys"/> names, one <c>other</c> series takes the rest.
/// </remarks>
internal sealed class KeyMetrics
{
    public const int MaxKeys = 200;

    private const string OtherKey = "other";

    private static readonly string[] RefusalLabels = ["rate", "sessions", "tokens", "model"];

    private readonly MetricsRegistry _registry;
    private readonly RecordedFamily<Counter> _requests;
    private readonly RecordedFamily<Counter> _refusals;
    private readonly RecordedFamily<Counter> _tokens;
    private readonly ConcurrentDictionary<string, KeySeries> _keys = new(StringComparer.Ordinal);

    public KeyMetrics(MetricsRegistry registry)
    {
        _registry = registry;
        _requests = registry.Counters("gateway_key_requests_total", "Requests that presented a client key and reached their route, admitted or refused by one of its limits.", "key");
        _refusals = registry.Counters("gateway_key_refusals_total", "Requests a client key's limit refused, by limit (rate, sessions, tokens, model).", "key", "reason");
        _tokens = registry.Counters("gateway_key_tokens_total", "Tokens of the model calls a client key made, by kind (input, cached input included; output).", "key", "kind");
    }

    /// <summary>The series of the key named <paramref name="name"/>, bound on its first request.</summary>
    public KeySeries For(string name)
    {
        if (_keys.TryGetValue(name, out var series))
        {
            return series;
        }
        if (_keys.Count >= MaxKeys)
        {
            name = OtherKey;
        }
        return _keys.GetOrAdd(name, static (key, metrics) => new KeySeries(metrics, key), this);
    }

    /// <summary>Registers <c>gateway_key_sessions_active</c>, read from <paramref name="running"/> (name, sessions) at each scrape.</summary>
    public void ReadAtScrape(Func<IEnumerable<KeyValuePair<string, int>>> running) =>
        _registry.ReadAtScrape("gateway_key_sessions_active", "/chat sessions and /v1 completions running now, by client key.", MetricType.Gauge, ["key"], samples =>
        {
            foreach (var (name, count) in running().OrderBy(r => r.Key, StringComparer.Ordinal).Take(MaxKeys))
            {
                samples.Add(count, name);
            }
        });

    /// <summary>One key's series, bound once.</summary>
    internal sealed class KeySeries(KeyMetrics metrics, string name)
    {
        private readonly Counter[] _refusals = [.. RefusalLabels.Select(reason => metrics._refusals.WithLabels(name, reason))];

        public Counter Requests { get; } = metrics._requests.WithLabels(name);

        public Counter InputTokens { get; } = metrics._tokens.WithLabels(name, "input");

        public Counter OutputTokens { get; } = metrics._tokens.WithLabels(name, "output");

        public void Refused(KeyRefusal limit) => _refusals[(int)limit].Increment();
    }
}
