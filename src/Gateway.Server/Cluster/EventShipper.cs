using System.Buffers;
using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>
/// Sends what every resumable session of this instance flushed in the last <see cref="Period"/> as one pipeline: the cost
/// of a pipeline (the client's thread hops and syscalls) is paid once per span for all sessions, not once per session.
/// </summary>
/// <remarks>
/// One sender that waits for Redis's answer to each pipeline before the next, so each session's entries reach Redis in id
/// order (an entry id below the stream's last is refused) and the frames' pooled arrays go back once Redis has them.
/// </remarks>
internal sealed class EventShipper : IAsyncDisposable
{
    /// <summary>How long flushed events wait for the next pipeline: also how much later than the owner's reader a reader elsewhere may see them.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Arrays for the sessions' pending frames, room for two pipelines' worth: the shared pool keeps 32 per size and core,
    /// so of the hundreds a pipeline gives back at once most went to the GC and each span rented (and grew) fresh ones
    /// (perf scenario 16). It keeps up to 1024 per size of 4, 8 and 16 KB (28 MB at most, never trimmed); larger go to the GC.
    /// </summary>
    public static readonly ArrayPool<byte> Frames = ArrayPool<byte>.Create(16 * 1024, 1024);

    private readonly ConcurrentQueue<RedisEventArchive> _due = new();
    private readonly StreamEntries _entries;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EventShipper(IDatabase database, TimeProvider clock)
    {
        Database = database;
        _entries = new StreamEntries(database);
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
                await ShipAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>The archives queued so far (not those queued meanwhile: they wait for the next span).</summary>
    private async Task ShipAsync()
    {
        var connected = Database.Multiplexer.IsConnected;
        for (var due = _due.Count; due > 0 && _due.TryDequeue(out var archive); due--)
        {
            // While Redis is away the events are dropped, not queued: the session and its local readers go on (docs/deploy.md).
            archive.Drain(connected ? _entries : null);
        }
        if (_entries.Count == 0)
        {
            return;
        }
        try
        {
            await _entries.SendAsync().ConfigureAwait(false);
            _entries.Clear(returnFrames: true);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The client may still hold the frames (a write under way): they go to the GC rather than back to the pool.
            _entries.Clear(returnFrames: false);
        }
    }

    /// <summary>Sends what is due one last time (a stopping instance's ended sessions stay readable elsewhere).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await ShipAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
