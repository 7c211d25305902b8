namespace Gateway.Server.Sse;

/// <summary>How much of a stream's output may wait in the gateway for a client that is not reading.</summary>
/// <remarks>
/// A stalled client holds at most this much in the stream's pending buffer, this much again in the batch being
/// written, and the send pipe's pause threshold (SocketConnection): about 64 KiB per stream (docs/architecture.md).
/// </remarks>
internal static class StreamBatch
{
    /// <summary>Past this many pending bytes a stream's writer waits until they have been handed to the connection.</summary>
    public const int MaxBytes = 16 * 1024;
}
