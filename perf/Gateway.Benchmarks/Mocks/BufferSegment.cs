using System.Buffers;

namespace Gateway.Benchmarks.Mocks;

/// <summary>A linked buffer segment, to build the multi-segment sequences a pipe hands over after a short read.</summary>
internal sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    public BufferSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    public BufferSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new BufferSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
        Next = next;
        return next;
    }

    /// <summary>Splits <paramref name="data"/> into <paramref name="count"/> segments of (nearly) equal length.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int count)
    {
        var size = (data.Length + count - 1) / count;
        var first = new BufferSegment(data.AsMemory(0, Math.Min(size, data.Length)));
        var last = first;
        for (var start = size; start < data.Length; start += size)
        {
            last = last.Append(data.AsMemory(start, Math.Min(size, data.Length - start)));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
