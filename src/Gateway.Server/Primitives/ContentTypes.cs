namespace Gateway.Server.Primitives;

internal static class ContentTypes
{
    public static ReadOnlySpan<byte> Json => "application/json"u8;
}
