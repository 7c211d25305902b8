namespace Gateway.LoadGen;

/// <summary>What one request came to: an error kind, or the timestamps (Stopwatch ticks) of its milestones.</summary>
/// <remarks>Each milestone is the time of the read that completed it; 0 means not reached.</remarks>
public struct RequestOutcome
{
    public ErrorKind Error;
    public int Status;
    public long Headers;
    public long Connected;
    public long FirstContent;
    public long End;
    public int Events;
    public long Bytes;
}
