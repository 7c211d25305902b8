using System.Diagnostics;
using Gateway.Server.Providers.Local;

namespace Gateway.LocalBench;

/// <summary>One measured run: how many sessions, how many tokens they generated together, and how long it took.</summary>
/// <param name="DecodeCalls">llama.cpp decode calls the gateway made for the run (0 for the plain loop, which does not count them).</param>
internal sealed record BenchResult(string Path, int Sessions, long Tokens, TimeSpan Wall, TimeSpan FirstToken, long DecodeCalls)
{
    public double TokensPerSecond => Tokens / Wall.TotalSeconds;

    public double PerSessionTokensPerSecond => TokensPerSecond / Sessions;

    /// <summary>Runs <paramref name="sessions"/> sessions at once, each on its own prompt, and totals them.</summary>
    /// <param name="runSession">One session on a prompt, timed against the run's clock: its tokens and when the first came.</param>
    public static async Task<BenchResult> MeasureAsync(
        string path, LocalModel model, int sessions, Func<string, Stopwatch, Task<(long Tokens, TimeSpan FirstToken)>> runSession)
    {
        var decodesBefore = model.Statistics.DecodeCalls;
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => runSession(BenchSettings.Prompts[i], clock)));
        var wall = clock.Elapsed;
        return new BenchResult(path, sessions, runs.Sum(r => r.Tokens), wall,
            TimeSpan.FromTicks((long)runs.Average(r => r.FirstToken.Ticks)), model.Statistics.DecodeCalls - decodesBefore);
    }
}
