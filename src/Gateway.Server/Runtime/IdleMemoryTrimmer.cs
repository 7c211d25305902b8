namespace Gateway.Server.Runtime;

/// <summary>Gives the memory of a burst back once the server is quiet again.</summary>
/// <remarks>
/// The GC runs only when the program allocates, so a server that goes quiet after a burst keeps whatever heap the burst
/// left, garbage included (15,000 connections opened and closed: 12 MB idle became 100 MB for good). Every
/// <see cref="Interval"/>, if the program allocated less than <see cref="QuietBytes"/> since the last look, one aggressive
/// full collection frees the heap and returns the free regions to the OS, when the heap has grown by
/// <see cref="GrowthBytes"/> since the last trim, or when the last trim left that much more than the smallest heap seen,
/// at most every <see cref="RetrimLooks"/> looks: what was alive then (stalled streams) may have died since without
/// growing the heap. Under load the GC's own collections do the work.
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

    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _allocated = GC.GetTotalAllocatedBytes();
    private long _trimmedTo = GC.GetTotalMemory(forceFullCollection: false);
    private long _smallest = GC.GetTotalMemory(forceFullCollection: false);
    private int _looksSinceTrim;

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
            var grown = GC.GetTotalMemory(forceFullCollection: false) - _trimmedTo >= GrowthBytes;
            var stillHigh = _trimmedTo - _smallest >= GrowthBytes && _looksSinceTrim >= RetrimLooks;
            if (!quiet || !(grown || stillHigh))
            {
                return;
            }
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _trimmedTo = GC.GetTotalMemory(forceFullCollection: false);
            _smallest = Math.Min(_smallest, _trimmedTo);
            _looksSinceTrim = 0;
        }
    }
}
