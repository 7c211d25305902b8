using Jint;

namespace Gateway.Repl;

/// <summary>
/// Stops a running script when its turn's token is cancelled. Jint's own <c>CancellationToken</c> option is fixed for
/// the engine's life, while each turn brings its own token, so this constraint reads the current turn's.
/// </summary>
internal sealed class TurnCancellation : Constraint
{
    public CancellationToken Token { get; set; }

    public override bool IsAmortizable => true;

    public override void Check() => Token.ThrowIfCancellationRequested();

    public override void Reset()
    {
    }
}
