namespace Gateway.Server.Providers.Upstream;

/// <summary>Cancels a source once a stream has gone silent for too long, without touching a timer on every read.</summary>
/// <remarks>
/// Restarting a timer per read (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>) takes the runtime's timer
/// queue lock each time, which every stream of the process contends for (it showed as the top lock in a CPU profile of
/// perf/ scenario 6). Here a read only stores the time, and the timer, when it fires, either cancels (the stream was
/// silent the whole while) or sleeps again for what is left.
/// </remarks>
internal sealed class SilenceTimeout : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _limit;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private long _lastActivity;

    public SilenceTimeout(CancellationTokenSource source, TimeSpan limit, TimeProvider clock)
    {
        _source = source;
        _limit = limit;
        _clock = clock;
        _lastActivity = clock.GetTimestamp();
        _timer = clock.CreateTimer(static state => ((SilenceTimeout)state!).Check(), this, limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The stream just delivered bytes.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, _clock.GetTimestamp());

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        var silent = _clock.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (silent < _limit)
        {
            _timer.Change(_limit - silent, Timeout.InfiniteTimeSpan);
            return;
        }
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended while this callback ran.
        }
    }
}
