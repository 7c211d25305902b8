using System.Net.Sockets;

namespace Gateway.Server.Transport;

internal sealed partial class SocketConnection
{
    // Bytes received only to be thrown away: every closing connection may share one buffer, since
    // nothing ever reads it.
    private static readonly byte[] s_discarded = new byte[MinimumReceiveSegment];

    private async Task ReceiveLoopAsync()
    {
        var writer = _receivePipe.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                // A zero-byte receive waits for data without holding a buffer, so an idle
                // keep-alive connection costs no pipe memory.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);

                var memory = writer.GetMemory(MinimumReceiveSegment);
                var received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    return; // FIN: the peer has finished sending.
                }
                writer.Advance(received);

                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    await DiscardUntilClosedAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            error = _aborted ? null : new ConnectionResetException(e);
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The application has stopped reading (it is closing after a response): keep taking bytes
    /// off the socket, so the kernel does not answer them with a reset, until the peer closes.
    /// </summary>
    private async Task DiscardUntilClosedAsync()
    {
        while (await _socket.ReceiveAsync(s_discarded, SocketFlags.None).ConfigureAwait(false) > 0)
        {
        }
    }

    private static bool IsConnectionEnd(Exception e) =>
        e is SocketException or ObjectDisposedException or OperationCanceledException;
}
