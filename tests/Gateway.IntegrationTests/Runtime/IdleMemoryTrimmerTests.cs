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
public sealed class IdleMemoryTrimmerTests
{
    private const int BurstBytes = 64 * 1024 * 1024;

    [Fact]
    public void HeapABurstLeftIsCollectedOnceTheProcessIsQuiet()
    {
        var clock = new FakeTimeProvider();
        using var trimmer = new IdleMemoryTrimmer(clock);
        Burst();
        var before = GC.GetTotalMemory(forceFullCollection: false);
        var fullCollections = GC.CollectionCount(2);

        // The first look sees the burst's allocations; the second finds that nothing was allocated since.
        clock.Advance(IdleMemoryTrimmer.Interval);
        clock.Advance(IdleMemoryTrimmer.Interval);

        Assert.Equal(fullCollections + 1, GC.CollectionCount(2));
        Assert.InRange(GC.GetTotalMemory(forceFullCollection: false), 0, before - BurstBytes / 2);
    }

    [Fact]
    public void HeapStillHighAfterATrimIsTrimmedAgainLater()
    {
        var clock = new FakeTimeProvider();
        using var trimmer = new IdleMemoryTrimmer(clock);
        var stillAlive = Held();
        clock.Advance(IdleMemoryTrimmer.Interval);
        clock.Advance(IdleMemoryTrimmer.Interval); // trims; what is held survives it
        var fullCollections = GC.CollectionCount(2);

        // Streams being dropped: their buffers die, and the heap does not grow.
        GC.KeepAlive(stillAlive);
        stillAlive = null;
        var before = GC.GetTotalMemory(forceFullCollection: false);
        for (var look = 1; look < IdleMemoryTrimmer.RetrimLooks; look++)
        {
            clock.Advance(IdleMemoryTrimmer.Interval);
        }
        Assert.Equal(fullCollections, GC.CollectionCount(2));
        clock.Advance(IdleMemoryTrimmer.Interval);

        Assert.Equal(fullCollections + 1, GC.CollectionCount(2));
        Assert.InRange(GC.GetTotalMemory(forceFullCollection: false), 0, before - BurstBytes / 2);
    }

    [Fact]
    public void BusyProcessIsLeftToItsOwnCollections()
    {
        var clock = new FakeTimeProvider();
        using var trimmer = new IdleMemoryTrimmer(clock);
        Burst();
        var fullCollections = GC.CollectionCount(2);

        clock.Advance(IdleMemoryTrimmer.Interval);
        GC.KeepAlive(new byte[2 * IdleMemoryTrimmer.QuietBytes]); // a server at work allocates
        clock.Advance(IdleMemoryTrimmer.Interval);

        Assert.Equal(fullCollections, GC.CollectionCount(2));
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
