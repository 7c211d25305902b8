namespace Gateway.Repl;

/// <summary>The state of the turn that is running: its token, output, <c>FINAL</c> answer and how its body ended.</summary>
internal sealed class ReplTurn(CancellationToken token, int maxOutputChars)
{
    public CancellationToken Token { get; } = token;

    public ReplOutput Output { get; } = new(maxOutputChars);

    /// <summary>The last <c>FINAL</c>/<c>FINAL_VAR</c> answer.</summary>
    public string? FinalAnswer { get; set; }

    /// <summary>The body's promise settled (through <c>__gw_settle</c>).</summary>
    public bool Settled { get; private set; }

    /// <summary>What the body threw, if it was rejected.</summary>
    public string? Rejection { get; private set; }

    public void Settle(string? rejection)
    {
        Settled = true;
        Rejection = rejection;
    }

    /// <summary>An error after <c>FINAL</c> leaves the turn not done (origin).</summary>
    public ReplTurnResult Finish(string? error)
    {
        var (stdout, truncated) = Output.Finish();
        var done = error is null && FinalAnswer is not null;
        return new ReplTurnResult(stdout, truncated, error is null ? null : WellFormed.From(error), done, done ? FinalAnswer : null);
    }
}
