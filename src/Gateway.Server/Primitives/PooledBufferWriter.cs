using System.Buffers;

namespace Gateway.Server.Primitives;

/// <summary>A growing buffer in arrays rented from a pool (the shared one unless given another): it holds none until the first write and none after <see cref="Release"/>.</summary>
/// <remarks>
/// Past <see cref="MaxPooledBytes"/> it grows in plain arrays, left to the GC: the shared pool keeps what it is given
/// per size and core until a later full collection finds it unused for a minute, so a burst of long answers (200
/// stalled clients, perf/README.md scenario 8) would otherwise stay in memory well after the clients left.
/// </remarks>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private const int FirstRentBytes = 4096;

    public const int MaxPooledBytes = 64 * 1024;

    private readonly ArrayPool<byte> _pool;
    private byte[] _array = [];
    private int _length;

    public PooledBufferWriter()
        : this(ArrayPool<byte>.Shared)
    {
    }

    public PooledBufferWriter(ArrayPool<byte> pool) => _pool = pool;

    public int WrittenCount => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _array.AsSpan(_length);
    }

    /// <summary>Takes the array and its length (the caller gives it back to this writer's pool with <see cref="Return(byte[], ArrayPool{byte})"/>); the writer is empty after this.</summary>
    public (byte[] Array, int Length) Detach()
    {
        if (_length == 0)
        {
            Release();
            return ([], 0);
        }
        var taken = (_array, _length);
        _array = [];
        _length = 0;
        return taken;
    }

    /// <summary>Forgets what was written, keeping the array for more.</summary>
    public void Clear() => _length = 0;

    /// <summary>Drops what was written and returns the array.</summary>
    public void Release()
    {
        Return(_array, _pool);
        _array = [];
        _length = 0;
    }

    /// <summary>Gives an array of a writer on the shared pool back: to the pool when it came from there, else to the GC.</summary>
    public static void Return(byte[] array) => Return(array, ArrayPool<byte>.Shared);

    /// <summary>Gives an array of a writer on <paramref name="pool"/> back: to the pool when it came from there, else to the GC.</summary>
    public static void Return(byte[] array, ArrayPool<byte> pool)
    {
        if (array.Length is > 0 and <= MaxPooledBytes)
        {
            pool.Return(array);
        }
    }

    private void EnsureRoom(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }
        var size = Math.Max(needed, Math.Max(FirstRentBytes, 2 * _array.Length));
        var larger = size <= MaxPooledBytes ? _pool.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        _array.AsSpan(0, _length).CopyTo(larger);
        Return(_array, _pool);
        _array = larger;
    }
}
