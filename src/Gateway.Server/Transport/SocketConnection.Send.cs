using System.Buffers;
using System.Net.Sockets;

namespace Gateway.Server.Transport;

internal sealed partial class SocketConnection
{
    private async Task SendLoopAsync()
    {
        var reader = _sendPipe.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    return; // Aborted.
                }

                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await SendAsync(buffer).ConfigureAwait(false);
                }
                reader.AdvanceTo(buffer.End);

                if (result.IsCompleted)
                {
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
            // Completing the reader makes the application's next flush report IsCompleted,
            // which is how a writer learns its peer is gone.
            await reader.CompleteAsync(error).ConfigureAwait(false);
            if (!_aborted)
            {
                ShutdownSend();
            }
        }
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            var remaining = segment;
            while (!remaining.IsEmpty)
            {
                var sent = await _sender.SendAsync(_socket, remaining).ConfigureAwait(false);
                remaining = remaining[sent..];
            }
        }
    }

    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer reset the connection first; there is nothing left to half-close.
        }
    }
}
