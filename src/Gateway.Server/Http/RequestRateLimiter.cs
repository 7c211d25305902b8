using System.Collections.Concurrent;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>A key's <c>requestsPerMinute</c>: in no 60-second window are more of its requests admitted than the limit.</summary>
/// <remarks>
/// A sliding log, exact where a token bucket would admit up to twice the limit in a minute (a full bucket, then its
/// refill): each key keeps the times of its last N admissions in a ring, and a request is admitted when the oldest
/// of them is a minute old. A lock per key makes check-and-record atomic under concurrency. The rings are kept by the
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
            window.Resize(limit);
            var oldest = window.Admissions[window.Next];
            if (window.Count == window.Admissions.Length && clock.GetElapsedTime(oldest, now) is var age && age < s_window)
            {
                retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((s_window - age).TotalSeconds));
                series.Refused(KeyRefusal.Rate);
                return false;
            }
            window.Admissions[window.Next] = now;
            window.Next = (window.Next + 1) % window.Admissions.Length;
            window.Count = Math.Min(window.Count + 1, window.Admissions.Length);
            return true;
        }
    }

    /// <summary>The timestamps of a key's last admissions, oldest at <see cref="Next"/> once the ring is full.</summary>
    private sealed class Window
    {
        public long[] Admissions { get; private set; } = [];

        public int Next { get; set; }

        public int Count { get; set; }

        /// <summary>Keeps the newest admissions that fit a changed limit (a reloaded keys file), oldest first.</summary>
        public void Resize(int limit)
        {
            if (Admissions.Length == limit)
            {
                return;
            }
            var kept = Math.Min(Count, limit);
            var resized = new long[limit];
            for (var i = 0; i < kept; i++)
            {
                // The newest admission sits just before Next; copy the last `kept` of them in order.
                resized[i] = Admissions[(Next - kept + i + Admissions.Length) % Admissions.Length];
            }
            Admissions = resized;
            Count = kept;
            Next = kept % limit;
        }
    }
}
