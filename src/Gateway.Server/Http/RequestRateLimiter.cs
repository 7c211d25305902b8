using System.Collections.Concurrent;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>A key's <c>requestsPerMinute</c>: in no 60-second window are more of its requests admitted than the limit.</summary>
/// <remarks>
/// A sliding log, exact where a token bucket would admit up to twice the limit in a minute (a full bucket, then its
/// refill): each key keeps the times of its last N admissions in a ring, and a request is admitted when the N-th
/// newest of them is a minute old. A lock per key makes check-and-record atomic under concurrency. The rings are kept by the
/// key's name, so a reload of the keys file neither resets a key's rate nor lets it start over.
/// </remarks>
internal sealed class RequestRateLimiter(TimeProvider clock, KeyMetrics metrics)
{
    /// <summary>The largest <c>requestsPerMinute</c> accepted: its ring takes 8 bytes per request.</summary>
    public const int MaxRequestsPerMinute = 100_000;

    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Admits and records one request of <paramref name="key"/>, or says in how many whole seconds one may be (RFC 9110 §10.2.3).</summary>
    public bool TryAdmit(ClientKey key, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        var series = metrics.For(key.Name);
        series.Requests.Increment();
        if (key.RequestsPerMinute is not { } limit)
        {
            return true;
        }
        var window = _windows.GetOrAdd(key.Name, static _ => new Window());
        lock (window)
        {
            var now = clock.GetTimestamp();
            window.Grow(limit);
            // Admitted when fewer than `limit` admissions are recorded, or the limit-th newest has left the window.
            if (window.Count >= limit && clock.GetElapsedTime(window.Newest(limit), now) is var age && age < s_window)
            {
                retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((s_window - age).TotalSeconds));
                series.Refused(KeyRefusal.Rate);
                return false;
            }
            window.Record(now);
            return true;
        }
    }

    /// <summary>The times of a key's last admissions, in a ring as long as the highest limit the key has had.</summary>
    /// <remarks>A reloaded file may lower a key's limit and raise it again within a minute: nothing recorded is dropped, so neither change lets more in.</remarks>
    private sealed class Window
    {
        private long[] _admissions = [];
        private int _next;

        /// <summary>How many admissions are recorded, at most the ring's length.</summary>
        public int Count { get; private set; }

        /// <summary>The <paramref name="n"/>-th newest admission (1: the newest); <paramref name="n"/> is at most <see cref="Count"/>.</summary>
        public long Newest(int n) => _admissions[(_next - n + _admissions.Length) % _admissions.Length];

        public void Record(long timestamp)
        {
            _admissions[_next] = timestamp;
            _next = (_next + 1) % _admissions.Length;
            Count = Math.Min(Count + 1, _admissions.Length);
        }

        /// <summary>Lengthens the ring to <paramref name="limit"/>, keeping what it recorded in order.</summary>
        public void Grow(int limit)
        {
            if (_admissions.Length >= limit)
            {
                return;
            }
            var grown = new long[limit];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = Newest(Count - i);
            }
            _admissions = grown;
            _next = Count;
        }
    }
}
