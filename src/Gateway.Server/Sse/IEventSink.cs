namespace Gateway.Server.Sse;

/// <summary>Where a session's events go: one response's <see cref="EventStream"/>, or a resumable session's <see cref="SessionEventLog"/> (SPEC §9).</summary>
internal interface IEventSink
{
    /// <summary>Whether the client is behind and the producer should let it catch up before writing more.</summary>
    bool IsBehind { get; }

    /// <summary>Whether the session ends because nobody reads it any more (the client left, or did not come back in time).</summary>
    bool ClientGone { get; }

    /// <summary>Queues one event's frame; <see cref="FlushAsync"/> sends it.</summary>
    void Write<T>(in T frame) where T : struct, ISseFrame;

    /// <summary>Sends what is queued; waits only while a reader is behind.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
