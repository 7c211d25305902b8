namespace Gateway.Server.Sse;

/// <summary>Why a reader could not resume a session's stream, or that it did.</summary>
internal enum ResumeStatus : byte
{
    Reading,
    SessionNotFound,
    /// <summary>The events after the reader's last id have fallen out of the replay buffer.</summary>
    NoLongerHeld,
    /// <summary>The reader names an event the session has not sent.</summary>
    NotYetSent,
    /// <summary>The session has ended and the reader has its last event: there is nothing more to read.</summary>
    Finished,
    /// <summary>A HEAD (RFC 9110 §9.3.2): a GET would be read; the request is not made the reader.</summary>
    Readable,
}

/// <summary>The outcome of <see cref="SessionEventLog.Resume"/>: while <see cref="ResumeStatus.Reading"/>, <see cref="Served"/> completes when the response may end.</summary>
/// <param name="EventId">The oldest event held (<see cref="ResumeStatus.NoLongerHeld"/>) or the last sent (<see cref="ResumeStatus.NotYetSent"/>).</param>
internal readonly record struct ResumeAttempt(ResumeStatus Status, long EventId, Task Served)
{
    public static ResumeAttempt Refused(ResumeStatus status, long eventId = 0) => new(status, eventId, Task.CompletedTask);

    /// <summary>SPEC §9's answers other than reading, in their order, for a reader after <paramref name="afterId"/>; null when it may read.</summary>
    /// <param name="lastId">The last event sent, as far as the one asking knows.</param>
    /// <param name="lastIsFinal">Whether no event after <paramref name="lastId"/> can exist yet (an id ahead of it is the client's error).</param>
    /// <param name="oldestId">The oldest event still held.</param>
    /// <param name="ended">Whether the session has ended, <paramref name="lastId"/> its last event.</param>
    /// <param name="isHead">A HEAD (RFC 9110 §9.3.2): told what a GET would get, never made the reader.</param>
    public static ResumeAttempt? Refusal(long afterId, long lastId, bool lastIsFinal, long oldestId, bool ended, bool isHead)
    {
        if (lastIsFinal && afterId > lastId)
        {
            return Refused(ResumeStatus.NotYetSent, lastId);
        }
        if (afterId < oldestId - 1)
        {
            return Refused(ResumeStatus.NoLongerHeld, oldestId);
        }
        if (ended && afterId == lastId)
        {
            return Refused(ResumeStatus.Finished);
        }
        return isHead ? Refused(ResumeStatus.Readable) : null;
    }
}
