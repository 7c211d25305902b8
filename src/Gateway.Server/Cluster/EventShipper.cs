using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// Sends what every resumable session of this instance flushed in the last <see cref="Period"/> as one pipeline: the cost
/// of a pipeline (the client's thread hops and syscalls) is paid once per span for all sessions, not once per session.
/// </summary>
/// <remarks>One sender, so each session's entries reach Redis in id order (an entry id below the stream's last is refused).</remarks>
internal sealed class EventShipper : IAsyncDisposable
{
    /// <summary>How long flushed events wait for the next pipeline: also how much later than the owner's reader a reader elsewhere may see them.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentQueue<RedisEventArchive> _due = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EventShipper(IDatabase database, TimeProvider clock)
    {
        Database = database;
        _loop = RunAsync(clock, _stop.Token);
    }

    public IDatabase Database { get; }

    /// <summary>The archive has something to send; it is queued at most once until it is sent (<see cref="RedisEventArchive"/>).</summary>
    public void Enqueue(RedisEventArchive archive) => _due.Enqueue(archive);

    private async Task RunAsync(TimeProvider clock, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                Ship();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Ship()
    {
        if (_due.IsEmpty)
        {
            return;
        }
        var pipeline = Database.CreateBatch();
        var connected = Database.Multiplexer.IsConnected;
        while (_due.TryDequeue(out var archive))
        {
            // While Redis is away the events are dropped, not queued: the session and its local readers go on (docs/deploy.md).
            archive.Drain(connected ? pipeline : null);
        }
        try
        {
            pipeline.Execute();
        }
        catch (RedisConnectionException)
        {
        }
    }

    /// <summary>Sends what is due one last time (a stopping instance's ended sessions stay readable elsewhere).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Ship();
        _stop.Dispose();
    }
}
