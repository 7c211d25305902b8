using Gateway.Server.Mcp;

namespace Gateway.Server.Tests.Mcp;

public sealed class McpBackoffTests
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(5, 32)]
    [InlineData(6, 60)]
    [InlineData(1000, 60)]
    public void TheWaitDoublesFromOneSecondUpToTheCap(int failures, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), McpBackoff.Delay(failures, Max, jitter: 0.5));

    [Fact]
    public void JitterSpreadsTheWaitByTwentyPercentEitherWay()
    {
        Assert.Equal(TimeSpan.FromSeconds(0.8), McpBackoff.Delay(0, Max, jitter: 0));
        Assert.Equal(TimeSpan.FromSeconds(1.2 * 60), McpBackoff.Delay(9, Max, jitter: 1));
    }

    [Fact]
    public void ACapBelowOneSecondIsTheWait() =>
        Assert.Equal(TimeSpan.FromSeconds(0.5), McpBackoff.Delay(0, TimeSpan.FromSeconds(0.5), jitter: 0.5));
}
