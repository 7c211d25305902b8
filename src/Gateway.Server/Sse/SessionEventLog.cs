using System.Buffers;
using System.Buffers.Text;
using Gateway.Server.Primitives;

namespace Gateway.Server.Sse;

/// <summary>A resumable session's event sequence (SPEC §9): numbers its events, keeps them for replay and passes them to its one live reader.</summary>
/// <remarks>
/// Each event is framed once, <c>id: n</c> first, and those exact bytes are both kept and copied to the reader's stream under
/// the log's lock, which is always taken before a stream's: a reader that attaches gets the replay and then the live events
/// in id order, none twice. With no reader for the grace the session is cancelled; once it has ended the log stays
/// readable for the grace, then removes itself and returns its buffers.
/// </remarks>
internal sealed partial class SessionEventLog : IEventSink, IResumableEvents
{
    private readonly Lock _gate = new();
    private readonly PooledBufferWriter _frame = new();
    private readonly ReplayBuffer _buffer;
    private readonly TimeSpan _grace;
    private readonly TimeSpan _pingInterval;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _session;
    private readonly ResumableSessions _sessions;
    private IEventArchive? _archive;
    private Reader? _reader;
    private ITimer? _timer;
    private long _lastId;
    private bool _ended;
    private bool _expired;
    private volatile bool _unread;

    /// <param name="serverStopping">Ends the session when the server can wait no longer.</param>
    /// <param name="archive">Where other instances read the session (REDIS_URL), or null when alone.</param>
    public SessionEventLog(
        string sessionId, ClientKey? owner, ResumeOptions options, TimeSpan pingInterval, TimeProvider clock, CancellationToken serverStopping,
        ResumableSessions sessions, IEventArchive? archive)
    {
        SessionId = sessionId;
        OwnerDigest = owner?.Sha256;
        _buffer = new ReplayBuffer(options.BufferEvents, options.BufferBytes);
        _grace = options.Grace;
        _pingInterval = pingInterval;
        _clock = clock;
        _session = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _sessions = sessions;
        _archive = archive;
    }

    public string SessionId { get; }

    public byte[]? OwnerDigest { get; }

    /// <summary>Cancelled when nobody read the session for the grace, when the server stops, or after the session ended.</summary>
    public CancellationToken SessionToken => _session.Token;

    public bool IsBehind => Volatile.Read(ref _reader)?.Events.IsBehind ?? false;

    /// <summary>Whether the session was cancelled because no reader came back within the grace.</summary>
    public bool ClientGone => _unread;

    public void Write<T>(in T frame) where T : struct, ISseFrame
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            var id = ++_lastId;
            WriteIdLine(id);
            frame.WriteSseFrame(_frame);
            var bytes = _frame.WrittenMemory.Span;
            _buffer.Append(id, bytes);
            _archive?.Add(id, bytes);
            if (_reader is { } reader)
            {
                using var scope = reader.Events.BeginFrames();
                scope.Output.Write(bytes);
            }
            _frame.Clear();
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        _archive?.Flush();
        // Nobody reading: the events wait in the buffer, and the session does not wait for anyone.
        return Volatile.Read(ref _reader) is { } reader ? reader.Events.FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>The session has ended: its reader's response ends after the last events, and the log expires after the grace.</summary>
    public async ValueTask CompleteAsync()
    {
        Reader? reader;
        lock (_gate)
        {
            _ended = true;
            _archive?.Complete(_lastId);
            // Its shipper holds it until the end is sent: kept here, it (and its keys, lock and closure) would live for the grace.
            _archive = null;
            _frame.Release();
            reader = _reader;
            _reader = null;
            StartTimer(static log => ((SessionEventLog)log!).OnExpired());
        }
        reader?.Ended.TrySetResult();
        // Whatever the session started and still runs (a tool that ignores cancellation) learns that it is over.
        await _session.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>WHATWG HTML §9.2.6: the id field is what a reconnecting EventSource sends back as Last-Event-ID.</summary>
    private void WriteIdLine(long id)
    {
        var span = _frame.GetSpan(24);
        "id: "u8.CopyTo(span);
        Utf8Formatter.TryFormat(id, span[4..], out var digits);
        span[4 + digits] = (byte)'\n';
        _frame.Advance(5 + digits);
    }

    /// <summary>Under the lock: the one pending deadline, replacing any earlier one.</summary>
    private void StartTimer(TimerCallback due)
    {
        _timer?.Dispose();
        _timer = _clock.CreateTimer(due, this, _grace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The grace after the session's end has passed: the session is gone (404) and its buffers go back.</summary>
    private void OnExpired()
    {
        lock (_gate)
        {
            _expired = true;
            _buffer.Release();
            _timer?.Dispose();
            _timer = null;
        }
        _sessions.Remove(this);
        _session.Dispose();
    }

    /// <summary>The grace without a reader has passed, unless a reader came back or the session ended meanwhile.</summary>
    private void OnUnread()
    {
        if (_archive is { } archive)
        {
            _ = CancelUnlessReadElsewhereAsync(archive);
            return;
        }
        CancelUnread();
    }

    /// <summary>A reader on another instance keeps the session as a local one does: the grace starts again.</summary>
    private async Task CancelUnlessReadElsewhereAsync(IEventArchive archive)
    {
        if (await archive.IsReadElsewhereAsync().ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (_reader is null && !_ended)
                {
                    StartTimer(static log => ((SessionEventLog)log!).OnUnread());
                }
            }
            return;
        }
        CancelUnread();
    }

    private void CancelUnread()
    {
        lock (_gate)
        {
            if (_reader is not null || _ended)
            {
                return;
            }
            _unread = true;
        }
        // SPEC §9: nobody came back within the grace; the session ends as a disconnect does without one (SPEC §6).
        _session.Cancel();
    }
}
