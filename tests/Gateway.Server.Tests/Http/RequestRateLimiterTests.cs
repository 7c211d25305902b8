using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Http;
using Gateway.Server.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Server.Tests.Http;

public sealed class RequestRateLimiterTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ClientKey _key = new("k", new byte[32]) { RequestsPerMinute = 3 };

    [Fact]
    public void NoSixtySecondWindowAdmitsMoreThanTheLimitAcrossTheRingsWrap()
    {
        var limiter = new RequestRateLimiter(_clock, new KeyMetrics(new MetricsRegistry()));
        var admitted = new List<TimeSpan>();
        // A request every 7 s for 5 minutes: the ring wraps many times.
        for (var second = 0; second < 300; second += 7)
        {
            if (limiter.TryAdmit(_key, out _))
            {
                admitted.Add(TimeSpan.FromSeconds(second));
            }
            _clock.Advance(TimeSpan.FromSeconds(7));
        }

        Assert.All(admitted, start => Assert.True(admitted.Count(t => t >= start && t < start + TimeSpan.FromMinutes(1)) <= 3));
        Assert.Equal(15, admitted.Count); // 3 in each of the 5 minutes: refusals do not push the window.
    }

    [Fact]
    public void RetryAfterCountsDownToTheOldestAdmissionLeavingTheWindowAndItIsAdmittedThen()
    {
        var limiter = new RequestRateLimiter(_clock, new KeyMetrics(new MetricsRegistry()));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAdmit(_key, out _));
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.False(limiter.TryAdmit(_key, out var retryAfter));
        Assert.Equal(30, retryAfter);
        _clock.Advance(TimeSpan.FromSeconds(29.5));
        Assert.False(limiter.TryAdmit(_key, out retryAfter));
        Assert.Equal(1, retryAfter); // Rounded up: a client that waits as told is admitted.
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(limiter.TryAdmit(_key, out _));
    }

    [Fact]
    public void AKeyWithoutALimitIsAlwaysAdmitted()
    {
        var free = new ClientKey("free", new byte[32]);
        var limiter = new RequestRateLimiter(_clock, new KeyMetrics(new MetricsRegistry()));

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(limiter.TryAdmit(free, out _)));
    }

    [Fact]
    public void AReloadedKeyKeepsItsLastMinuteByNameUnderItsNewLimit()
    {
        var limiter = new RequestRateLimiter(_clock, new KeyMetrics(new MetricsRegistry()));
        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(limiter.TryAdmit(_key, out _)));

        // The same name from a reloaded file: a lower limit is already used up, a higher one has exactly the difference left.
        Assert.False(limiter.TryAdmit(new ClientKey("k", new byte[32]) { RequestsPerMinute = 2 }, out _));
        var raised = new ClientKey("k", new byte[32]) { RequestsPerMinute = 5 };
        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(_ => limiter.TryAdmit(raised, out _)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAdmit(raised, out _));
    }
}
