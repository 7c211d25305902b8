namespace Gateway.Server.Providers.Local;

/// <summary>A pause switch on the decode loop, so tests and benchmarks can line turns up exactly.</summary>
internal sealed partial class LocalModel
{
    private DecodeHold? _held; // Under _gate; read by the loop at the start of every step.

    /// <summary>Pauses the loop at the start of a step until the handle is disposed, after letting <paramref name="afterSteps"/> more steps run.</summary>
    /// <remarks>
    /// For tests and benchmarks, to line turns up deterministically: turns started while held begin in the same
    /// step (they decode in lockstep), and <paramref name="afterSteps"/> lets a running turn get exactly that far first.
    /// </remarks>
    public IDisposable HoldDecoding(int afterSteps = 0)
    {
        var hold = new DecodeHold(afterSteps);
        lock (_gate)
        {
            _held = hold;
        }
        return new HoldRelease(() =>
        {
            lock (_gate)
            {
                if (_held == hold)
                {
                    _held = null;
                }
            }
            hold.Released.TrySetResult();
        });
    }

    private sealed class DecodeHold(int steps)
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int StepsLeft { get; set; } = steps;
    }

    private sealed class HoldRelease(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
