using System.Buffers;
using System.Text;

namespace Gateway.Server.Tests;

/// <summary>A segment of a hand-built <see cref="ReadOnlySequence{T}"/>, so tests can put segment boundaries anywhere.</summary>
internal sealed class TestSequence : ReadOnlySequenceSegment<byte>
{
    private TestSequence(ReadOnlyMemory<byte> memory) => Memory = memory;

    /// <summary>Test messages are written as strings; Latin-1 maps U+0080-U+00FF to the obs-text bytes 0x80-0xFF.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public static ReadOnlySequence<byte> Create(params IEnumerable<ReadOnlyMemory<byte>> segments)
    {
        TestSequence? first = null;
        TestSequence? last = null;
        foreach (var memory in segments)
        {
            var segment = new TestSequence(memory);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                segment.RunningIndex = last.RunningIndex + last.Memory.Length;
                last.Next = segment;
            }
            last = segment;
        }
        return first is null || last is null
            ? ReadOnlySequence<byte>.Empty
            : new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>
    /// Every way the tests cut a message (STYLE §25): whole, in two at each inner index, one byte per
    /// piece, and one byte per piece with an empty piece before each byte. Assert.All reports a failing
    /// cut by index: 0 is whole, i (1 ≤ i &lt; length) cuts after byte i, then the two per-byte cuts.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<byte>[]> Cuts(byte[] message)
    {
        yield return [message];
        for (var i = 1; i < message.Length; i++)
        {
            yield return [message.AsMemory(0, i), message.AsMemory(i)];
        }
        yield return [.. Enumerable.Range(0, message.Length).Select(i => message.AsMemory(i, 1))];
        yield return [.. Enumerable.Range(0, message.Length).SelectMany(i => new[] { ReadOnlyMemory<byte>.Empty, message.AsMemory(i, 1) })];
    }

    /// <summary>
    /// The affordable subset of <see cref="Cuts"/> for messages of kilobytes: whole, in two wherever
    /// a CR or LF is within three bytes, and in pieces of <paramref name="pieceLength"/> bytes.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<byte>[]> CutsNearLineBreaks(byte[] message, int pieceLength)
    {
        yield return [message];
        for (var i = 1; i < message.Length; i++)
        {
            var start = Math.Max(0, i - 3);
            if (message.AsSpan(start, Math.Min(message.Length, i + 3) - start).ContainsAny((byte)'\r', (byte)'\n'))
            {
                yield return [message.AsMemory(0, i), message.AsMemory(i)];
            }
        }
        yield return [.. Enumerable.Range(0, (message.Length + pieceLength - 1) / pieceLength)
            .Select(i => message.AsMemory(i * pieceLength, Math.Min(pieceLength, message.Length - (i * pieceLength))))];
    }
}
