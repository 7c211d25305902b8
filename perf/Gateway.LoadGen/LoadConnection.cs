using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Gateway.LoadGen;

/// <summary>
/// One keep-alive connection of the generator: writes a request (or a pipelined batch), reads the responses and
/// stamps their milestones into <see cref="Outcomes"/>. A plain socket and one reused buffer: no HttpClient, no
/// per-request allocation (the async state machines are pooled).
/// </summary>
/// <remarks>
/// Framing follows RFC 9112 §6.3: no body for HEAD, 1xx, 204, 304; chunked (§7.1, extensions and trailers
/// skipped); Content-Length; otherwise the body runs to the close. Milestone times are those of the read that
/// completed them. Not thread-safe: one exchange at a time, the watchdog only aborts.
/// </remarks>
public sealed partial class LoadConnection(TargetRequest target, TimeoutWatchdog watchdog, SseScanner? scanner) : IDisposable
{
    private const int MaxBuffer = 16 << 20;
    private Socket? _socket;
    // On the pinned-object heap: when an open loop that fell behind opens thousands of connections at once, the GC
    // would otherwise copy every 16 kB buffer through each generation (measured: 200+ ms of pauses in one step).
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(16 * 1024, pinned: true);
    private int _start;
    private int _end;
    private long _lastRead;
    private long _received;
    private long _deadline;
    private volatile bool _timedOut;

    /// <summary>One outcome per request of the last exchange.</summary>
    public RequestOutcome[] Outcomes { get; } = new RequestOutcome[target.Pipeline];

    public bool IsConnected => _socket is not null;

    /// <summary>Connects if needed, writes the batch, reads every response; false when the connection must not be reused.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ExchangeAsync(long deadline)
    {
        Array.Clear(Outcomes);
        Volatile.Write(ref _deadline, deadline);
        var done = 0;
        var connecting = _socket is null;
        try
        {
            if (connecting)
            {
                await ConnectAsync().ConfigureAwait(false);
                connecting = false;
            }
            var batch = target.Batch.AsMemory();
            while (!batch.IsEmpty)
            {
                batch = batch[await _socket!.SendAsync(batch, SocketFlags.None).ConfigureAwait(false)..];
            }
            var reusable = true;
            for (; done < Outcomes.Length; done++)
            {
                reusable &= await ReadResponseAsync(done).ConfigureAwait(false);
            }
            if (!reusable || _timedOut)
            {
                Close();
            }
            return reusable && !_timedOut;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidDataException)
        {
            var kind = _timedOut ? ErrorKind.Timeout : e switch
            {
                InvalidDataException => ErrorKind.Protocol,
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } when connecting => ErrorKind.ConnectRefused,
                _ when connecting => ErrorKind.ConnectError,
                _ => ErrorKind.Reset,
            };
            for (; done < Outcomes.Length; done++)
            {
                Outcomes[done].Error = kind;
            }
            Close();
            return false;
        }
        finally
        {
            Volatile.Write(ref _deadline, 0);
        }
    }

    /// <summary>Connects ahead of the first exchange (a warm pool); false when the connection could not be made.</summary>
    public async ValueTask<bool> OpenAsync()
    {
        try
        {
            await ConnectAsync().ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            Close();
            return false;
        }
    }

    /// <summary>Called by the watchdog: aborts the exchange in progress if it is past its deadline.</summary>
    public void AbortIfPast(long now)
    {
        var deadline = Volatile.Read(ref _deadline);
        if (deadline != 0 && now > deadline)
        {
            _timedOut = true;
            _socket?.Dispose();
        }
    }

    private async ValueTask ConnectAsync()
    {
        _timedOut = false;
        _start = _end = 0;
        var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket = socket;
        watchdog.Add(this);
        await socket.ConnectAsync(target.EndPoint).ConfigureAwait(false);
    }

    private void Close()
    {
        if (_socket is { } socket)
        {
            _socket = null;
            watchdog.Remove(this);
            socket.Dispose();
        }
    }

    public void Dispose() => Close();
}
