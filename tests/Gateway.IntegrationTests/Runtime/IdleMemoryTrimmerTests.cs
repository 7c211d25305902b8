using Gateway.Server.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.IntegrationTests.Runtime;

/// <summary>Tests that count the process's allocations and collections run alone: any other test's would move them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeHeapCollection
{
    public const string Name = "Whole-heap garbage collection";
}

[Collection(WholeHeapCollection.Name)]
public sealed class IdleMemoryTrimmerTests : IDisposable
{
    private const int BurstBytes = 64 * 1024 * 1024;

    private readonly FakeTimeProvider _clock = new();
    private readonly IdleMemoryTrimmer _trimmer;

    public IdleMemoryTrimmerTests()
    {
        // The trimmer takes the heap it starts on as the least it has seen: a burst another test left uncollected would
        // make a heap still high look normal.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _trimmer = new IdleMemoryTrimmer(_clock);
    }

    public void Dispose() => _trimmer.Dispose();

    [Fact]
    public void HeapABurstLeftIsCollectedOnceTheProcessIsQuiet()
    {
        Burst();
        var before = GC.GetTotalMemory(forceFullCollection: false);
        var fullCollections = GC.CollectionCount(2);

        Look(2); // the first look sees the burst's allocations; the second finds that nothing was allocated since

        AssertOneTrimFreedABurst(fullCollections, before);
    }

    [Fact]
    public void HeapStillHighAfterATrimIsTrimmedAgainLater()
    {
        var stillAlive = Held();
        Look(2); // trims; what is held survives it
        var fullCollections = GC.CollectionCount(2);

        // Streams being dropped: their buffers die, and the heap does not grow.
        GC.KeepAlive(stillAlive);
        stillAlive = null;
        var before = GC.GetTotalMemory(forceFullCollection: false);
        Look(IdleMemoryTrimmer.RetrimLooks - 1);
        Assert.Equal(fullCollections, GC.CollectionCount(2));
        Look(1);

        AssertOneTrimFreedABurst(fullCollections, before);
    }

    [Fact]
    public void BusyProcessIsLeftToItsOwnCollections()
    {
        Burst();
        var fullCollections = GC.CollectionCount(2);

        Look(1);
        GC.KeepAlive(new byte[2 * IdleMemoryTrimmer.QuietBytes]); // a server at work allocates
        Look(1);

        Assert.Equal(fullCollections, GC.CollectionCount(2));
    }

    private void Look(int times)
    {
        for (var i = 0; i < times; i++)
        {
            _clock.Advance(IdleMemoryTrimmer.Interval);
        }
    }

    private static void AssertOneTrimFreedABurst(int fullCollectionsBefore, long heapBefore)
    {
        Assert.Equal(fullCollectionsBefore + 1, GC.CollectionCount(2));
        Assert.InRange(GC.GetTotalMemory(forceFullCollection: false), 0, heapBefore - BurstBytes / 2);
    }

    /// <summary>What a burst of connections leaves: buffers that lived long enough to reach generation 2, then died.</summary>
    private static void Burst() => GC.KeepAlive(Held());

    /// <summary>Buffers in generation 2, as long-lived connections' are.</summary>
    private static List<byte[]> Held()
    {
        var held = new List<byte[]>();
        for (var i = 0; i < BurstBytes / 16384; i++)
        {
            held.Add(new byte[16384]);
        }
        GC.Collect(1);
        GC.Collect(1); // survivors of two collections are in generation 2
        return held;
    }
}
