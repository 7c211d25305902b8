using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Mock.MockModels;

namespace Gateway.IntegrationTests.Mock;

/// <summary>MOCK_TTFT_MS and MOCK_TOKENS_PER_SECOND on a clock the test steps: each piece leaves when the clock reaches it, not before.</summary>
public sealed class MockPacingTests
{
    [Fact]
    public async Task TheFirstPieceWaitsForTheTimeToFirstTokenAndEachNextForItsInterval()
    {
        var clock = new CountingClock();
        await using var host = await ChatTestHost.StartAsync(
            moreProviders: [Provider(tokens: 4, clock: clock, timeToFirstToken: TimeSpan.FromMilliseconds(500), tokensPerSecond: 10)]);
        var (connection, stream) = await host.OpenChatAsync(Ask("Pace yourself."));
        await using var _ = connection;
        Assert.Equal(["connected", "harness_start"], (await stream.ReadUntilAsync("harness_start")).Select(e => e.Name));
        await WithinAsync(Patience, () => clock.Timers == 1, "the mock waits for its first piece");

        var next = stream.ReadAsync();
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(1, clock.Timers);
        Assert.False(next.IsCompleted, "a piece left before its time");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var pieces = new List<ServerSentEvent> { (await next.WaitAsync(Patience))! };

        for (var i = 2; i <= 4; i++)
        {
            // The mock flushed piece i-1 and then waits on a new timer for piece i, due 100 ms after the one before.
            await WithinAsync(Patience, () => clock.Timers == i, $"the mock waits for piece {i}");
            next = stream.ReadAsync();
            clock.Advance(TimeSpan.FromMilliseconds(99));
            Assert.Equal(i, clock.Timers);
            Assert.False(next.IsCompleted, $"piece {i} left before its time");
            clock.Advance(TimeSpan.FromMilliseconds(1));
            pieces.Add((await next.WaitAsync(Patience))!);
        }

        Assert.All(pieces, p => Assert.Equal("text", p.Name));
        Assert.Equal(["usage", "harness_end"], (await stream.ReadAllEventsAsync()).Select(e => e.Name));
        Assert.Equal(4, clock.Timers);
    }

    [Fact]
    public async Task PiecesAlreadyDueLeaveTogetherWhenTheClockJumps()
    {
        var clock = new CountingClock();
        await using var host = await ChatTestHost.StartAsync(moreProviders: [Provider(tokens: 5, clock: clock, tokensPerSecond: 2)]);
        var (connection, stream) = await host.OpenChatAsync(Ask("Catch up."));
        await using var _ = connection;
        Assert.Equal("text", (await stream.ReadUntilAsync("text"))[^1].Name);
        await WithinAsync(Patience, () => clock.Timers == 1, "the mock waits for its second piece");

        // Four intervals at once: the four remaining pieces are all due, and no further wait is needed.
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(["text", "text", "text", "text", "usage", "harness_end"], (await stream.ReadAllEventsAsync()).Select(e => e.Name));
        Assert.Equal(1, clock.Timers);
    }
}
