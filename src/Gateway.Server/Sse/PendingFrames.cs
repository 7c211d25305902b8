using System.Buffers;

namespace Gateway.Server.Sse;

/// <summary>The frames of a stream waiting to be sent, in an array rented on the first write and handed off whole to the send.</summary>
internal sealed class PendingFrames : IBufferWriter<byte>
{
    private const int FirstRentBytes = 4096;

    private byte[] _array = [];
    private int _length;

    public int WrittenCount => _length;

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

    /// <summary>Takes the rented array and its length (the caller returns it to the pool); nothing is pending after this.</summary>
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

    /// <summary>Drops what is pending and returns the array.</summary>
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
