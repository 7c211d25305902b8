namespace Gateway.Repl;

/// <summary>The stream a line of REPL output went to: <c>print</c>/<c>console.log</c> or <c>console.warn/error</c>.</summary>
public enum ReplStream
{
    Stdout,
    Stderr,
}
