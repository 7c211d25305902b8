using Gateway.Server.Cluster;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Endpoints;
using Gateway.Server.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Server.Tests.Endpoints;

public sealed class KeyTokensTests
{
    /// <summary>An hour before a UTC midnight.</summary>
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ADayIsSpentAtItsLimitAndStartsOverAtUtcMidnight()
    {
        var tokens = new KeyTokens(_clock, new KeyMetrics(new MetricsRegistry()), LocalCluster.Instance);
        var key = Key(100);

        Assert.True(tokens.TryAdmit(key, out var budget, out _));
        budget!.Spend(60, 39);
        Assert.False(budget.IsSpent); // 99 of 100
        budget.Spend(0, 1);
        Assert.True(budget.IsSpent);
        Assert.False(tokens.TryAdmit(key, out _, out var retryAfter));
        Assert.Equal(3600, retryAfter);

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.False(budget.IsSpent);
        Assert.True(tokens.TryAdmit(key, out _, out _));
    }

    [Fact]
    public void AReloadedKeyKeepsItsDaysTokensByNameUnderItsNewLimit()
    {
        var tokens = new KeyTokens(_clock, new KeyMetrics(new MetricsRegistry()), LocalCluster.Instance);
        Assert.True(tokens.TryAdmit(Key(100), out var budget, out _));
        budget!.Spend(80, 20);

        Assert.False(tokens.TryAdmit(Key(100), out _, out _));
        Assert.True(tokens.TryAdmit(Key(150), out var raised, out _)); // The same name, from a reloaded file.
        Assert.Same(budget, raised);
        Assert.False(tokens.TryAdmit(Key(50), out _, out _));
        Assert.True(tokens.TryAdmit(Key(null), out _, out _)); // No limit any more.
    }

    [Fact]
    public void NoKeyMeansNoBudget()
    {
        var tokens = new KeyTokens(_clock, new KeyMetrics(new MetricsRegistry()), LocalCluster.Instance);

        Assert.True(tokens.TryAdmit(null, out var budget, out _));
        Assert.Null(budget);
    }

    private static ClientKey Key(long? tokensPerDay) => new("team", new byte[32]) { TokensPerDay = tokensPerDay };
}
