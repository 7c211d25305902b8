using System.Buffers;

namespace Gateway.Server.Http;

/// <summary>Holds one request's decoded body in a pooled array, refusing to grow past the body limit.</summary>
/// <remarks>
/// The body is copied out of the receive pipe as it arrives, so the pipe never has to hold a whole
/// body (its writer pauses long before 4 MiB) and the connection can keep reading while an endpoint
/// works. The array is returned to the pool by <see cref="Reset"/> once the request is done.
/// </remarks>
internal sealed class RequestBodyBuffer : IBodySink
{
    private byte[] _array = [];
    private int _length;

    public long Limit { get; set; }

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public int Length => _length;

    public void Append(in ReadOnlySequence<byte> bytes)
    {
        var count = (int)bytes.Length;
        EnsureRoom(count);
        bytes.CopyTo(_array.AsSpan(_length));
        _length += count;
    }

    /// <summary>Makes room for <paramref name="expectedLength"/> more bytes up front when the length is declared.</summary>
    public void EnsureRoom(long expectedLength)
    {
        var needed = _length + expectedLength;
        if (needed > Limit)
        {
            RequestRejection.Throw(RequestRejectionReason.BodyTooLarge);
        }
        if (needed <= _array.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Max(needed, Math.Min(Limit, 2L * _array.Length)));
        _array.AsSpan(0, _length).CopyTo(larger);
        ReturnArray();
        _array = larger;
    }

    public void Reset()
    {
        ReturnArray();
        _array = [];
        _length = 0;
    }

    private void ReturnArray()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
