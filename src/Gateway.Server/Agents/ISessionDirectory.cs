namespace Gateway.Server.Agents;

/// <summary>Makes a session reachable from other instances when it needs to be (the cluster, REDIS_URL); nothing when running alone.</summary>
internal interface ISessionDirectory
{
    /// <summary>The session is about to wait on a relay, whose answer may be posted to any instance: awaited before the relay event leaves, so the answer finds it.</summary>
    /// <remarks>Only then: a session that never asks costs the directory nothing. Never throws; an unreachable directory catches up later.</remarks>
    ValueTask RelayPendingAsync(string sessionId);
}
