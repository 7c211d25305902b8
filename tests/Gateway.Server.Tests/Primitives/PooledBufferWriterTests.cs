using System.Buffers;
using System.Runtime.InteropServices;
using Gateway.Server.Primitives;

namespace Gateway.Server.Tests.Primitives;

/// <summary>
/// Which arrays go back to the shared pool. A return and a rent of the same size on one thread meet in the pool's
/// per-thread slot, so whether the rent finds the writer's array tells whether the pool kept it.
/// </summary>
public sealed class PooledBufferWriterTests
{
    [Fact]
    public void ASmallBufferGoesBackToTheSharedPool()
    {
        var writer = new PooledBufferWriter();
        writer.Write(new byte[1000]);

        Assert.Same(ReleaseAndRentItsSize(writer, out var rented), rented);
    }

    [Fact]
    public void ABufferGrownPastThePooledSizeIsLeftToTheGc()
    {
        var writer = new PooledBufferWriter();
        var piece = new byte[1024];
        while (writer.WrittenCount <= PooledBufferWriter.MaxPooledBytes)
        {
            writer.Write(piece);
        }

        Assert.NotSame(ReleaseAndRentItsSize(writer, out var rented), rented);
    }

    /// <summary>The writer's array; <paramref name="rented"/> what the pool hands out for its size right after the release.</summary>
    private static byte[] ReleaseAndRentItsSize(PooledBufferWriter writer, out byte[] rented)
    {
        Assert.True(MemoryMarshal.TryGetArray(writer.WrittenMemory, out var segment));
        var array = segment.Array!;
        writer.Release();
        rented = ArrayPool<byte>.Shared.Rent(array.Length);
        ArrayPool<byte>.Shared.Return(rented);
        return array;
    }
}
