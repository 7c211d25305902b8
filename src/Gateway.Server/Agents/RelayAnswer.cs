namespace Gateway.Server.Agents;

/// <summary>A client's answer to a relay (SPEC §4).</summary>
internal readonly record struct RelayAnswer(bool Approved, bool Always, string? Reason)
{
    public static RelayAnswer TimedOut { get; } = new(false, false, "relay timed out");
}
