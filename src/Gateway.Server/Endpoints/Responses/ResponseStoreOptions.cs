namespace Gateway.Server.Endpoints.Responses;

/// <summary>The bounds of the <see cref="ResponseStore"/> (RESPONSES_TTL_SECONDS, RESPONSES_MAX_STORED).</summary>
internal sealed record ResponseStoreOptions
{
    /// <summary>An hour: long enough for an agent's session of turns, short enough that memory is not held for a caller long gone.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Each kept response holds its whole conversation, at most a request body (MAX_BODY_BYTES) and its answer.</summary>
    public int Capacity { get; init; } = 1000;
}
