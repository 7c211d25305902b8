using System.Buffers;

namespace Gateway.Server.Sse;

/// <summary>The framed events a resumable session keeps for a reader that comes back (SPEC §9), oldest first.</summary>
/// <remarks>
/// Bounded by events and by bytes: past either the oldest events fall out. Events are packed into chunks rented from the
/// shared pool; a chunk goes back when its last event falls out, and all go back with <see cref="Release"/>. Not
/// thread-safe: its <see cref="SessionEventLog"/> holds its lock around every call.
/// </remarks>
internal sealed class ReplayBuffer(int maxEvents, long maxBytes)
{
    private const int ChunkBytes = 16 * 1024;

    private readonly Queue<Entry> _entries = new();
    private byte[] _tail = [];
    private int _tailLength;
    private long _heldBytes;

    /// <summary>The id of the oldest event held, or 0 when none is.</summary>
    public long OldestId => _entries.TryPeek(out var oldest) ? oldest.Id : 0;

    /// <summary>Keeps one event's bytes, then lets the oldest fall out past the bounds (the newest always stays).</summary>
    public void Append(long id, ReadOnlySpan<byte> frame)
    {
        if (_tail.Length - _tailLength < frame.Length)
        {
            _tail = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, frame.Length));
            _tailLength = 0;
            _heldBytes += _tail.Length;
        }
        frame.CopyTo(_tail.AsSpan(_tailLength));
        _entries.Enqueue(new Entry(id, _tail, _tailLength, frame.Length));
        _tailLength += frame.Length;
        while (_entries.Count > 1 && (_entries.Count > maxEvents || _heldBytes > maxBytes))
        {
            var oldest = _entries.Dequeue();
            if (oldest.Chunk != _tail && _entries.Peek().Chunk != oldest.Chunk)
            {
                Return(oldest.Chunk);
            }
        }
    }

    /// <summary>Writes every event held whose id is above <paramref name="afterId"/>, oldest first.</summary>
    public void CopyAfter(long afterId, IBufferWriter<byte> output)
    {
        foreach (var entry in _entries)
        {
            if (entry.Id > afterId)
            {
                output.Write(entry.Chunk.AsSpan(entry.Offset, entry.Length));
            }
        }
    }

    /// <summary>Drops every event and returns every chunk.</summary>
    public void Release()
    {
        byte[]? last = null;
        foreach (var entry in _entries)
        {
            if (entry.Chunk != last)
            {
                last = entry.Chunk;
                if (last != _tail)
                {
                    Return(last);
                }
            }
        }
        _entries.Clear();
        if (_tail.Length > 0)
        {
            Return(_tail);
        }
        _tail = [];
        _tailLength = 0;
    }

    private void Return(byte[] chunk)
    {
        _heldBytes -= chunk.Length;
        ArrayPool<byte>.Shared.Return(chunk);
    }

    private readonly record struct Entry(long Id, byte[] Chunk, int Offset, int Length);
}
