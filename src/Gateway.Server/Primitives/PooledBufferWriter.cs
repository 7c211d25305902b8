using System.Buffers;

namespace Gateway.Server.Primitives;

/// <summary>A growing buffer in arrays rented from the shared pool: it holds none until the first write and none after <see cref="Release"/>.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private const int FirstRentBytes = 4096;

    private byte[] _array = [];
    private int _length;

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

    /// <summary>Takes the rented array and its length (the caller returns it to the pool); the writer is empty after this.</summary>
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
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
        _array = [];
        _length = 0;
    }

    private void EnsureRoom(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(FirstRentBytes, 2 * _array.Length)));
        _array.AsSpan(0, _length).CopyTo(larger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
        _array = larger;
    }
}
