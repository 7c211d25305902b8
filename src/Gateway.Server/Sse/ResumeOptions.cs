namespace Gateway.Server.Sse;

/// <summary>How long a session outlives its reader, and how much of its stream it keeps for one that comes back (SPEC §9).</summary>
internal sealed record ResumeOptions
{
    /// <summary>RESUME_GRACE_SECONDS; zero (the default) keeps SPEC §3: a disconnect ends the session.</summary>
    public TimeSpan Grace { get; init; }

    /// <summary>RESUME_BUFFER_EVENTS: the most events a session keeps for replay.</summary>
    public int BufferEvents { get; init; } = 2048;

    /// <summary>RESUME_BUFFER_BYTES: the most bytes of events a session keeps for replay.</summary>
    public long BufferBytes { get; init; } = 4 * 1024 * 1024;

    public bool Enabled => Grace > TimeSpan.Zero;
}
