namespace Gateway.Repl;

/// <summary>
/// One turn's outcome. <paramref name="Stdout"/>: the printed lines joined by "\n", cut at the output limit
/// (<paramref name="Truncated"/>); <paramref name="Error"/>: what ended the turn, if anything; <paramref name="Done"/>:
/// <c>FINAL</c>/<c>FINAL_VAR</c> was called and no error followed (origin), <paramref name="FinalAnswer"/> then holds it.
/// Every string is well-formed UTF-16.
/// </summary>
public sealed record ReplTurnResult(string Stdout, bool Truncated, string? Error, bool Done, string? FinalAnswer);
