namespace Gateway.Server.Sse;

/// <summary>The response head of every event stream the gateway sends (/chat and /v1/chat/completions).</summary>
internal static class EventStreamHead
{
    public static ReadOnlySpan<byte> ContentType => "text/event-stream"u8;

    /// <summary>No cache may keep or merge events, and a proxy such as nginx must pass them on as they come.</summary>
    public static ReadOnlySpan<byte> HeaderLines => "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n"u8;
}
