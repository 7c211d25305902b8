using System.Buffers;
using System.Text;
using Gateway.Server.Sse;

namespace Gateway.Server.Tests.Sse;

/// <summary>The replay buffer of a resumable session (SPEC §9): what it keeps, in order, and what falls out past its bounds.</summary>
public sealed class ReplayBufferTests
{
    [Fact]
    public void EventsAfterAnIdComeBackInOrderAndWhole()
    {
        var buffer = new ReplayBuffer(maxEvents: 10, maxBytes: 1 << 20);
        for (var id = 1; id <= 4; id++)
        {
            buffer.Append(id, Frame(id, 10));
        }

        Assert.Equal(1, buffer.OldestId);
        Assert.Equal(Text(Frame(3, 10), Frame(4, 10)), CopyAfter(buffer, 2));
        Assert.Equal("", CopyAfter(buffer, 4));
    }

    [Fact]
    public void PastTheEventBoundTheOldestFallOut()
    {
        var buffer = new ReplayBuffer(maxEvents: 3, maxBytes: 1 << 20);
        for (var id = 1; id <= 5; id++)
        {
            buffer.Append(id, Frame(id, 10));
        }

        Assert.Equal(3, buffer.OldestId);
        Assert.Equal(Text(Frame(3, 10), Frame(4, 10), Frame(5, 10)), CopyAfter(buffer, 0));
    }

    [Fact]
    public void PastTheByteBoundTheOldestChunksFallOutAndTheNewestEventAlwaysStays()
    {
        // 16 KiB chunks: frames of 6000 bytes fill two a chunk, so a 40 KiB bound holds at most two chunks (four events).
        var buffer = new ReplayBuffer(maxEvents: 1000, maxBytes: 40 * 1024);
        for (var id = 1; id <= 9; id++)
        {
            buffer.Append(id, Frame(id, 6000));
        }
        Assert.Equal(7, buffer.OldestId);
        Assert.Equal(Text(Frame(7, 6000), Frame(8, 6000), Frame(9, 6000)), CopyAfter(buffer, 6));

        buffer.Append(10, Frame(10, 100_000));
        Assert.Equal(10, buffer.OldestId);
        Assert.Equal(Text(Frame(10, 100_000)), CopyAfter(buffer, 0));

        buffer.Release();
        Assert.Equal(0, buffer.OldestId);
        Assert.Equal("", CopyAfter(buffer, 0));
    }

    private static byte[] Frame(long id, int length)
    {
        var frame = Encoding.ASCII.GetBytes($"id: {id}\nevent: x\ndata: " + new string((char)('a' + (id % 26)), length) + "\n\n");
        return frame;
    }

    private static string Text(params byte[][] frames) => string.Concat(frames.Select(Encoding.ASCII.GetString));

    private static string CopyAfter(ReplayBuffer buffer, long afterId)
    {
        var output = new ArrayBufferWriter<byte>();
        buffer.CopyAfter(afterId, output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}
