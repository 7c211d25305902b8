namespace Gateway.LocalBench;

/// <summary>One measured run: how many sessions, how many tokens they generated together, and how long it took.</summary>
/// <param name="DecodeCalls">llama.cpp decode calls the gateway made for the run (0 for the plain loop, which does not count them).</param>
internal sealed record BenchResult(string Path, int Sessions, long Tokens, TimeSpan Wall, TimeSpan FirstToken, long DecodeCalls)
{
    public double TokensPerSecond => Tokens / Wall.TotalSeconds;

    public double PerSessionTokensPerSecond => TokensPerSecond / Sessions;
}
