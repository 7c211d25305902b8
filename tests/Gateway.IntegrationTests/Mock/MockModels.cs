using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Providers.Mock;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.Mock;

/// <summary>What the mock-model tests share: the provider, a gateway serving it, and SSE text as curl prints it.</summary>
internal static class MockModels
{
    public const string Model = "mock-1";

    public static MockModelProvider Provider(int tokens = 32, TimeProvider? clock = null, TimeSpan timeToFirstToken = default, double tokensPerSecond = 0) =>
        new(new MockModelOptions
        {
            Models = [Model, "mock-2"],
            Tokens = tokens,
            TimeToFirstToken = timeToFirstToken,
            TokensPerSecond = tokensPerSecond,
            Clock = clock ?? TimeProvider.System,
        });

    /// <summary>A <c>/chat</c> or <c>/v1</c> body asking <see cref="Model"/> about <paramref name="content"/>, JSON-escaped.</summary>
    public static string Ask(string content, string extra = "") =>
        $$"""{"model":"{{Model}}","messages":[{"role":"user","content":{{JsonSerializer.Serialize(content)}}}]{{extra}}}""";

    /// <summary>The events of an SSE body as a client printed it (blank-line separated <c>event:</c> and <c>data:</c> lines), comments left out.</summary>
    public static List<ServerSentEvent> ParseEvents(string body) =>
        [.. body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(block => !block.StartsWith(':'))
            .Select(block => block.Split('\n'))
            .Select(lines => new ServerSentEvent(lines[0]["event: ".Length..], lines[1]["data: ".Length..], IsComment: false))];

    public static string TextOf(IEnumerable<ServerSentEvent> events) => string.Concat(events.Where(e => e.Name == "text").Select(e => e.Field("content")));
}

/// <summary>A fake clock that counts the timers made on it, so a test knows when the mock waits on it.</summary>
internal sealed class CountingClock : FakeTimeProvider
{
    private int _timers;

    public int Timers => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Counted once registered, so a test that sees the count and then advances the clock always fires it.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timers);
        return timer;
    }
}
