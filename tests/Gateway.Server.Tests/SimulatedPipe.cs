using System.Buffers;

namespace Gateway.Server.Tests;

/// <summary>
/// What a pipe reader sees: the bytes left unconsumed by the last read, followed by what arrived
/// since, each arrival its own segment.
/// </summary>
internal sealed class SimulatedPipe
{
    private readonly List<ReadOnlyMemory<byte>> _segments = [];

    public ReadOnlySequence<byte> Buffer => TestSequence.Create(_segments);

    public long Length => _segments.Sum(s => (long)s.Length);

    public void Write(ReadOnlyMemory<byte> bytes) => _segments.Add(bytes);

    public void Advance(long consumed)
    {
        while (_segments.Count > 0 && (consumed > 0 || _segments[0].IsEmpty))
        {
            var first = _segments[0];
            if (first.Length <= consumed)
            {
                consumed -= first.Length;
                _segments.RemoveAt(0);
            }
            else
            {
                _segments[0] = first[(int)consumed..];
                consumed = 0;
            }
        }
        Assert.Equal(0, consumed);
    }
}
