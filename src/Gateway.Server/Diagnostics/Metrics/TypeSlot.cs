namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>A small number per type, handed out on first use, so a series can be kept per type in an array instead of a dictionary.</summary>
internal static class TypeSlot<T>
{
    public static readonly int Index = TypeSlots.Next();
}

internal static class TypeSlots
{
    private static int s_count;

    public static int Next() => Interlocked.Increment(ref s_count) - 1;
}
