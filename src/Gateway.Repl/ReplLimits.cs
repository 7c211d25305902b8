namespace Gateway.Repl;

/// <summary>
/// What one REPL turn may spend (design §1.5). Every value must be finite: Jint treats <c>int.MaxValue</c>-like
/// values as "no limit".
/// </summary>
/// <param name="TurnTime">JS time per turn, host waits excluded.</param>
/// <param name="MaxStatements">Statements per turn: the backstop for loops that allocate nothing.</param>
/// <param name="MemoryBytes">Bytes allocated per turn (an allocation budget, garbage included, not a heap limit).</param>
/// <param name="MaxArrayLength">Largest array the script may create.</param>
/// <param name="RegexTimeout">Time one regular expression match may take.</param>
/// <param name="MaxOutputChars">UTF-16 units of stdout kept for the turn's result (what the model is fed back).</param>
/// <param name="StackBytes">Stack of the thread each turn runs on; deep recursion ends in a catchable RangeError.</param>
public sealed record ReplLimits(
    TimeSpan TurnTime,
    int MaxStatements,
    long MemoryBytes,
    uint MaxArrayLength,
    TimeSpan RegexTimeout,
    int MaxOutputChars,
    int StackBytes)
{
    public static ReplLimits Default { get; } = new(
        TurnTime: TimeSpan.FromSeconds(30),
        MaxStatements: 100_000_000,
        MemoryBytes: 512L * 1024 * 1024,
        MaxArrayLength: 10_000_000,
        RegexTimeout: TimeSpan.FromSeconds(2),
        MaxOutputChars: 4_000,
        StackBytes: 16 * 1024 * 1024);

    /// <summary>JSON.parse nesting the script may ask for.</summary>
    internal const int MaxJsonParseDepth = 128;
}
