using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>A key's <c>requestsPerMinute</c>: in no 60-second window are more of its requests admitted than the limit.</summary>
/// <remarks>
/// A sliding log, exact where a token bucket would admit up to twice the limit in a minute (a full bucket, then its
/// refill): each key keeps the times of its last N admissions in a ring, and a request is admitted when the oldest
/// of them is a minute old. A lock per key makes check-and-record atomic under concurrency.
/// </remarks>
internal sealed class RequestRateLimiter
{
    /// <summary>The largest <c>requestsPerMinute</c> accepted: its ring takes 8 bytes per request.</summary>
    public const int MaxRequestsPerMinute = 100_000;

    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<ClientKey, Window> _windows;
    private readonly TimeProvider _clock;

    public RequestRateLimiter(IEnumerable<ClientKey> keys, TimeProvider clock)
    {
        _clock = clock;
        _windows = keys.Where(k => k.RequestsPerMinute is not null)
            .ToDictionary(k => k, k => new Window(k.RequestsPerMinute!.Value));
    }

    /// <summary>Admits and records one request of <paramref name="key"/>, or says in how many whole seconds one may be (RFC 9110 §10.2.3).</summary>
    public bool TryAdmit(ClientKey key, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (!_windows.TryGetValue(key, out var window))
        {
            return true;
        }
        lock (window)
        {
            var now = _clock.GetTimestamp();
            var oldest = window.Admissions[window.Next];
            if (window.Count == window.Admissions.Length && _clock.GetElapsedTime(oldest, now) is var age && age < s_window)
            {
                retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((s_window - age).TotalSeconds));
                return false;
            }
            window.Admissions[window.Next] = now;
            window.Next = (window.Next + 1) % window.Admissions.Length;
            window.Count = Math.Min(window.Count + 1, window.Admissions.Length);
            return true;
        }
    }

    /// <summary>The timestamps of a key's last admissions, oldest at <see cref="Next"/> once the ring is full.</summary>
    private sealed class Window(int limit)
    {
        public long[] Admissions { get; } = new long[limit];

        public int Next { get; set; }

        public int Count { get; set; }
    }
}
