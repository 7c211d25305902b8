using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Gateway.Server.Transport;

/// <summary>One connection's sends, through event args that let go of the buffer as soon as a send completes.</summary>
/// <remarks>
/// <see cref="Socket.SendAsync(ReadOnlyMemory{byte}, SocketFlags, CancellationToken)"/> caches its event args with the
/// last buffer still set, so every idle connection kept its last 4 KiB pipe block alive after the pipe had returned it.
/// </remarks>
internal sealed class SocketSender() : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true), IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _source;

    /// <summary>Sends some of <paramref name="buffer"/>; the count sent, or a <see cref="SocketException"/>.</summary>
    public ValueTask<int> SendAsync(Socket socket, ReadOnlyMemory<byte> buffer)
    {
        _source.Reset();
        SetBuffer(MemoryMarshal.AsMemory(buffer));
        if (socket.SendAsync(this))
        {
            return new ValueTask<int>(this, _source.Version);
        }
        return Take() is { } error ? ValueTask.FromException<int>(error) : new ValueTask<int>(BytesTransferred);
    }

    public int GetResult(short token) => _source.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _source.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (Take() is { } error)
        {
            _source.SetException(error);
        }
        else
        {
            _source.SetResult(BytesTransferred);
        }
    }

    /// <summary>Forgets the buffer the send used; the send's error, if it failed.</summary>
    private SocketException? Take()
    {
        SetBuffer(Memory<byte>.Empty);
        return SocketError == SocketError.Success ? null : new SocketException((int)SocketError);
    }
}
