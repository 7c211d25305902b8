namespace Gateway.Server.Sse;

/// <summary>A copy of a resumable session's events outside this process, which other instances read (REDIS_URL; SPEC §9).</summary>
internal interface IEventArchive
{
    /// <summary>Under the log's lock: one event's frame as sent, its id line first; kept until <see cref="Flush"/>.</summary>
    void Add(long id, ReadOnlySpan<byte> frame);

    /// <summary>The events added so far are to be sent, with those flushed soon after them as one batch; never waits.</summary>
    void Flush();

    /// <summary>The session has ended after event <paramref name="lastId"/>: sends what is left and the end; the copy expires after the grace.</summary>
    void Complete(long lastId);

    /// <summary>Whether a reader on another instance follows the session now, so its grace without a local reader starts again.</summary>
    ValueTask<bool> IsReadElsewhereAsync();
}
