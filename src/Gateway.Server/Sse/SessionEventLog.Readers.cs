using Gateway.Server.Primitives;

namespace Gateway.Server.Sse;

internal sealed partial class SessionEventLog
{
    /// <summary>
    /// SPEC §9: replays the events after <paramref name="afterId"/>, then makes <paramref name="exchange"/> the live reader,
    /// replacing any other (whose response ends cleanly); a session that has ended gets its replay and the end, or
    /// <see cref="ResumeStatus.Finished"/> when there is none. A HEAD is only told what a GET would get: it neither
    /// replaces the reader nor stops the grace.
    /// </summary>
    public ResumeAttempt Resume(IHttpExchange exchange, long afterId)
    {
        Reader reader;
        Reader? replaced;
        lock (_gate)
        {
            if (_expired)
            {
                return ResumeAttempt.Refused(ResumeStatus.SessionNotFound);
            }
            if (ResumeAttempt.Refusal(afterId, _lastId, lastIsFinal: true, _buffer.OldestId, _ended, exchange.IsHead) is { } refusal)
            {
                return refusal;
            }
            reader = new Reader(this, exchange);
            reader.Events.Open();
            using (var scope = reader.Events.BeginFrames())
            {
                _buffer.CopyAfter(afterId, scope.Output);
            }
            replaced = _reader;
            if (_ended)
            {
                reader.Ended.TrySetResult();
            }
            else
            {
                _reader = reader;
                _timer?.Dispose();
                _timer = null;
            }
        }
        replaced?.Ended.TrySetResult();
        return new ResumeAttempt(ResumeStatus.Reading, 0, ServeAsync(reader));
    }

    /// <summary>A reader elsewhere replaced the live one (REDIS_URL): its response ends cleanly and, with no reader here, the grace starts.</summary>
    public void EndReader()
    {
        Reader? reader;
        lock (_gate)
        {
            reader = _reader;
        }
        reader?.Ended.TrySetResult();
    }

    /// <summary>Sends the reader its events until it is detached, then ends its response after what is pending.</summary>
    private async Task ServeAsync(Reader reader)
    {
        // The client leaving (or no longer taking events: its stream cancels the reader) detaches it at once, so the grace starts then.
        using (reader.Cancellation.Token.Register(static state => ((Reader)state!).Detach(), reader))
        {
            await reader.Events.SendHeadAsync().ConfigureAwait(false);
            await reader.Ended.Task.ConfigureAwait(false);
        }
        reader.Detach();
        await reader.Events.CompleteAsync().ConfigureAwait(false);
        reader.Cancellation.Dispose();
    }

    /// <summary>The reader is gone or replaced; with no other and the session still running, the grace starts.</summary>
    private void Detach(Reader reader)
    {
        lock (_gate)
        {
            if (_reader == reader)
            {
                _reader = null;
                if (!_ended)
                {
                    StartTimer(static log => ((SessionEventLog)log!).OnUnread());
                }
            }
        }
        reader.Ended.TrySetResult();
    }

    /// <summary>One response reading the session: its own stream, cancelled when its client leaves or stops taking events.</summary>
    private sealed class Reader
    {
        private readonly SessionEventLog _log;

        public Reader(SessionEventLog log, IHttpExchange exchange)
        {
            _log = log;
            Cancellation = CancellationTokenSource.CreateLinkedTokenSource(exchange.RequestAborted);
            Events = new EventStream(exchange, Cancellation, log._pingInterval);
        }

        public CancellationTokenSource Cancellation { get; }

        public EventStream Events { get; }

        /// <summary>Set when the response may end: the session ended, another reader took over, or the client left.</summary>
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Detach() => _log.Detach(this);
    }
}
