using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Server.Transport;

/// <summary>Moves bytes between one connected socket and a duplex pipe. It never parses them.</summary>
/// <remarks>
/// The application reads <see cref="Input"/> and writes <see cref="Output"/>. Completing
/// <see cref="Output"/> ends the connection gracefully: what is buffered is sent, the send side is
/// shut down, and the peer is given <see cref="LingerTime"/> to close its side before the socket is
/// disposed (the staged close of RFC 9112 §9.6, so a client that is still sending gets the response
/// instead of a reset). <see cref="Abort"/> ends it at once.
/// </remarks>
internal sealed partial class SocketConnection : ITransportConnection
{
    /// <summary>How long a closing connection waits for the peer's FIN after ours.</summary>
    public static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(2);

    private const int MinimumReceiveSegment = 4096;

    /// <summary>
    /// The kernel's send buffer per connection (Linux doubles it for bookkeeping, socket(7)). Fixed rather than
    /// autotuned, which on loopback grew to 4 MiB: a client that stops reading then held that much kernel memory and
    /// let a stream's agent run megabytes ahead. 64 KiB still fills a 50 ms path at 2.5 MB/s.
    /// </summary>
    public const int SendBufferBytes = 64 * 1024;

    private static readonly PipeOptions s_receiveOptions = new(
        pauseWriterThreshold: 256 * 1024,
        resumeWriterThreshold: 128 * 1024,
        pool: BlockPool.Instance,
        minimumSegmentSize: MinimumReceiveSegment,
        useSynchronizationContext: false);

    // The output threshold is what makes a slow reader slow its writer down instead of growing memory:
    // with StreamBatch.MaxBytes it bounds what a stalled stream holds (docs/architecture.md).
    private static readonly PipeOptions s_sendOptions = new(
        pauseWriterThreshold: 32 * 1024,
        resumeWriterThreshold: 16 * 1024,
        pool: BlockPool.Instance,
        minimumSegmentSize: BlockPool.BlockSize,
        useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly Pipe _receivePipe = new(s_receiveOptions);
    private readonly Pipe _sendPipe = new(s_sendOptions);
    private readonly SocketSender _sender = new();
    private volatile bool _aborted;

    public SocketConnection(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _socket.SendBufferSize = SendBufferBytes;
    }

    /// <summary>Bytes received from the peer.</summary>
    public PipeReader Input => _receivePipe.Reader;

    /// <summary>Bytes to send to the peer; complete it to close the connection gracefully.</summary>
    public PipeWriter Output => _sendPipe.Writer;

    /// <remarks>The socket builds it on first use; only a recorded span asks.</remarks>
    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>Runs both directions until the connection is closed or aborted, then disposes the socket.</summary>
    public async Task RunAsync()
    {
        var receiving = ReceiveLoopAsync();
        await SendLoopAsync().ConfigureAwait(false);

        if (!_aborted && !receiving.IsCompleted)
        {
            await Task.WhenAny(receiving, Task.Delay(LingerTime)).ConfigureAwait(false);
        }

        _socket.Dispose();
        await receiving.ConfigureAwait(false);
        _sender.Dispose();
    }

    /// <summary>Ends the connection now: nothing more is sent or received.</summary>
    public void Abort()
    {
        _aborted = true;
        _sendPipe.Reader.CancelPendingRead();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer or by us: nothing left to shut down.
        }
        _socket.Dispose();
    }
}
