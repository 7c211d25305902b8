using System.Collections.Concurrent;
using Gateway.Server.Cluster;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>
/// Each key's <c>tokensPerDay</c> (GATEWAY_KEYS_FILE): input plus output tokens of its model calls, as the providers
/// reported them, per UTC day. A key that has used them all is refused new /chat sessions and /v1 completions until
/// the day ends; a running session stops after the turn that used the last of them.
/// </summary>
/// <remarks>
/// Usage is known only when a call ends, so admission cannot reserve tokens: a key with tokens left admits its
/// requests, and each session or completion already running can pass the limit by the turn it is in (docs/security.md).
/// Kept by the key's name, so a reloaded keys file carries the day's count over. Every key's tokens are counted for
/// /metrics, with or without a limit. With REDIS_URL each call's tokens are added to the key's day in Redis too, and
/// the total it answers is what this instance then holds the key to.
/// </remarks>
internal sealed class KeyTokens(TimeProvider clock, KeyMetrics metrics, ICluster cluster)
{
    private readonly TimeProvider _clock = clock;
    private readonly KeyMetrics _metrics = metrics;
    private readonly ICluster _cluster = cluster;
    private readonly ConcurrentDictionary<string, DailyTokens> _days = new(StringComparer.Ordinal);

    /// <summary>The budget a request of <paramref name="key"/> spends from, or false (and when the day ends) once the key has none left.</summary>
    /// <returns>True, with a null budget, when no key pays for the request (no keys configured).</returns>
    public bool TryAdmit(ClientKey? key, out ITokenBudget? budget, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (key is null)
        {
            budget = null;
            return true;
        }
        var day = _days.GetOrAdd(key.Name, static (name, owner) => new DailyTokens(name, owner._clock, owner._metrics.For(name), owner._cluster), this);
        // The limit of the key as the request presented it: a reloaded file's new limit holds from its next request on.
        day.Limit = key.TokensPerDay ?? long.MaxValue;
        budget = day;
        if (!day.IsSpent)
        {
            return true;
        }
        retryAfterSeconds = SecondsUntilTomorrow();
        _metrics.For(key.Name).Refused(KeyRefusal.Tokens);
        return false;
    }

    public TimeProvider Clock => _clock;

    /// <summary>A refusal's <c>Retry-After</c>: the rest of the UTC day, at least a second.</summary>
    public int SecondsUntilTomorrow()
    {
        var now = _clock.GetUtcNow();
        return Math.Max(1, (int)Math.Ceiling((NextDay(now) - now).TotalSeconds));
    }

    /// <summary>The UTC day now, as days since 0001-01-01: the day whose tokens count.</summary>
    public static long Today(TimeProvider clock) => DayOf(clock.GetUtcNow());

    public static string Refusal(ClientKey key) => $"Token budget spent: this key may use {key.TokensPerDay} tokens per day (UTC)";

    /// <summary>The UTC day a moment falls in, as days since 0001-01-01.</summary>
    private static long DayOf(DateTimeOffset moment) => moment.UtcTicks / TimeSpan.TicksPerDay;

    private static DateTimeOffset NextDay(DateTimeOffset now) => new((DayOf(now) + 1) * TimeSpan.TicksPerDay, TimeSpan.Zero);

    /// <summary>One key's tokens of the current UTC day; the count starts over when a new day's first usage or check comes.</summary>
    private sealed class DailyTokens(string name, TimeProvider clock, KeyMetrics.KeySeries series, ICluster cluster) : ITokenBudget
    {
        private readonly Lock _gate = new();
        private long _day;
        private long _used;

        /// <summary>The key's tokens of <see cref="_day"/> on every instance, as Redis last answered (0 when alone).</summary>
        private long _usedEverywhere;
        private long _limit = long.MaxValue;

        public long Limit
        {
            get => Volatile.Read(ref _limit);
            set => Volatile.Write(ref _limit, value);
        }

        public bool IsSpent
        {
            get
            {
                var today = DayOf(clock.GetUtcNow());
                lock (_gate)
                {
                    return _day == today && Math.Max(_used, _usedEverywhere) >= Limit;
                }
            }
        }

        public void Spend(long inputTokens, long outputTokens)
        {
            series.InputTokens.Add(inputTokens);
            series.OutputTokens.Add(outputTokens);
            var today = DayOf(clock.GetUtcNow());
            lock (_gate)
            {
                if (_day != today)
                {
                    _day = today;
                    _used = 0;
                    _usedEverywhere = 0;
                }
                _used += inputTokens + outputTokens;
            }
            var everywhere = cluster.SpendKeyTokensAsync(name, today, inputTokens + outputTokens);
            if (everywhere.IsCompletedSuccessfully)
            {
                Observe(today, everywhere.Result);
            }
            else
            {
                _ = ObserveAsync(today, everywhere);
            }
        }

        private async Task ObserveAsync(long day, ValueTask<long?> everywhere) => Observe(day, await everywhere.ConfigureAwait(false));

        private void Observe(long day, long? everywhere)
        {
            lock (_gate)
            {
                if (everywhere is { } total && day == _day)
                {
                    _usedEverywhere = Math.Max(_usedEverywhere, total);
                }
            }
        }
    }
}
