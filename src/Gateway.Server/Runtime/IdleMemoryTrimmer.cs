using Gateway.Server.Transport;

namespace Gateway.Server.Runtime;

/// <summary>Gives the memory of a burst back once the server is quiet again.</summary>
/// <remarks>
/// The GC runs only when the program allocates, so a server that goes quiet after a burst keeps whatever heap the burst
/// left, garbage included (15,000 connections opened and closed: 12 MB idle became 100 MB for good). Every
/// <see cref="Interval"/>, if the program allocated less than <see cref="QuietBytes"/> since the last look, one aggressive
/// full collection frees the heap and returns the free regions to the OS, when the GC's committed memory has grown by
/// <see cref="GrowthBytes"/> since the last trim, or when the last trim left that much more than the least seen, at most
/// every <see cref="RetrimLooks"/> looks: what was alive then (stalled streams) may have died since without growing the
/// heap. Committed memory, not the heap's size, because regions the burst's own collections emptied stay committed.
/// Under load the GC's own collections do the work.
/// </remarks>
internal sealed class IdleMemoryTrimmer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Allocation per <see cref="Interval"/> below which the server counts as quiet (a few idle timers' worth).</summary>
    public const long QuietBytes = 1024 * 1024;

    /// <summary>Less than this is not worth a full blocking collection.</summary>
    public const long GrowthBytes = 16 * 1024 * 1024;

    /// <summary>Looks between trims of a heap that stays high: a full collection of live data every 15 s at most.</summary>
    public const int RetrimLooks = 3;

    /// <summary>A heap that stays high because it is alive (10,000 idle sessions) is looked at less and less, down to every 10 min.</summary>
    private const int MostRetrimLooks = 120;

    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _allocated = GC.GetTotalAllocatedBytes();
    private long _trimmedTo = Committed();
    private long _least = Committed();
    private int _looksSinceTrim;
    private int _retrimLooks = RetrimLooks;

    public IdleMemoryTrimmer(TimeProvider clock) => _timer = clock.CreateTimer(_ => Check(), null, Interval, Interval);

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        lock (_gate)
        {
            var allocated = GC.GetTotalAllocatedBytes();
            var quiet = allocated - _allocated < QuietBytes;
            _allocated = allocated;
            _looksSinceTrim++;
            var grown = Committed() - _trimmedTo >= GrowthBytes;
            var stillHigh = _trimmedTo - _least >= GrowthBytes && _looksSinceTrim >= _retrimLooks;
            if (!quiet || !(grown || stillHigh))
            {
                return;
            }
            var before = Committed();
            BlockPool.Instance.Trim(); // The connections' kept pipe blocks are the burst's too.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _trimmedTo = Committed();
            _retrimLooks = grown || before - _trimmedTo >= GrowthBytes ? RetrimLooks : Math.Min(2 * _retrimLooks, MostRetrimLooks);
            _least = Math.Min(_least, _trimmedTo);
            _looksSinceTrim = 0;
        }
    }

    /// <summary>What the GC holds from the OS, as of its last collection.</summary>
    private static long Committed() => GC.GetGCMemoryInfo().TotalCommittedBytes;
}
