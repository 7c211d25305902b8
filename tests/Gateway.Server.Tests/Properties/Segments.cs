using CsCheck;

namespace Gateway.Server.Tests.Properties;

/// <summary>Ways to cut a message into segments (or arrivals): anywhere, any number of times, empty pieces included.</summary>
internal static class Segments
{
    /// <summary>Cut points in [0, length]: a few at random, or one byte per piece.</summary>
    public static Gen<int[]> CutPoints(int length) => Gen.Frequency(
        (6, Gen.Int[0, length].Array[0, 12]),
        (1, Gen.Const(() => Enumerable.Range(1, Math.Max(0, length - 1)).ToArray())));

    /// <summary>The message cut at <paramref name="points"/>; repeated points give empty pieces.</summary>
    public static ReadOnlyMemory<byte>[] Cut(byte[] message, int[] points)
    {
        var sorted = points.Order().ToArray();
        var pieces = new ReadOnlyMemory<byte>[sorted.Length + 1];
        var start = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            pieces[i] = message.AsMemory(start, sorted[i] - start);
            start = sorted[i];
        }
        pieces[^1] = message.AsMemory(start);
        return pieces;
    }
}
