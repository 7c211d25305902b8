using System.Buffers;
using Gateway.Server.Tests;

namespace Gateway.Fuzz.Targets;

/// <summary>The input as a sequence of one-byte segments: every parser's multi-segment path at every boundary.</summary>
internal static class Bytewise
{
    public static ReadOnlySequence<byte> Sequence(byte[] bytes) =>
        TestSequence.Create(Enumerable.Range(0, bytes.Length).Select(i => new ReadOnlyMemory<byte>(bytes, i, 1)));
}
