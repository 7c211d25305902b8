using Gateway.Tools;

namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>Always the first event of a stream.</summary>
[ServerEvent("connected")]
internal readonly partial struct ConnectedEvent
{
    public required string SessionId { get; init; }

    /// <summary>/summarize's <c>sourceIds</c> (SPEC §3), a JSON array of strings echoed back; null (omitted) for /chat.</summary>
    public RawJson? SourceIds { get; init; }
}
