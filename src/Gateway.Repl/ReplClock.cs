using Jint;

namespace Gateway.Repl;

/// <summary>
/// The per-turn JS time budget: a Jint constraint that counts only the time the script runs, paused while a host
/// function waits (a 60 s <c>llm_query</c> must not use up the turn), read from a <see cref="TimeProvider"/> so tests
/// step it. Jint's own <c>TimeoutInterval</c> counts host waits too (design trap 5).
/// </summary>
internal sealed class ReplClock(TimeProvider time) : Constraint
{
    private readonly TimeProvider _time = time;
    private TimeSpan _budget;
    private TimeSpan _used;
    private long _runningSince;
    private bool _running;

    /// <summary>Checked every few statements rather than on each (a timestamp read per statement is waste).</summary>
    public override bool IsAmortizable => true;

    public void Begin(TimeSpan budget)
    {
        _budget = budget;
        _used = TimeSpan.Zero;
        _runningSince = _time.GetTimestamp();
        _running = true;
    }

    /// <summary>Stops the clock until the returned scope is disposed.</summary>
    public PauseScope Pause()
    {
        _used += _time.GetElapsedTime(_runningSince);
        _running = false;
        return new PauseScope(this);
    }

    public void End() => _running = false;

    public override void Check()
    {
        if (_running && _used + _time.GetElapsedTime(_runningSince) > _budget)
        {
            _running = false;
            throw new TimeLimitExceededException();
        }
    }

    /// <summary>Jint calls this on every engine entry; a turn is one entry, and <see cref="Begin"/> starts it.</summary>
    public override void Reset()
    {
    }

    internal readonly struct PauseScope(ReplClock clock) : IDisposable
    {
        public void Dispose()
        {
            clock._runningSince = clock._time.GetTimestamp();
            clock._running = true;
        }
    }
}

/// <summary>The script used up its JS time; like Jint's own limit exceptions, the script cannot catch it.</summary>
internal sealed class TimeLimitExceededException : Exception;
