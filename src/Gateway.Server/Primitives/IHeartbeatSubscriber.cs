namespace Gateway.Server.Primitives;

/// <summary>Something a response keeps alive on the server's one heartbeat instead of a timer of its own (STYLE §18).</summary>
internal interface IHeartbeatSubscriber
{
    /// <param name="nowMilliseconds">The heartbeat's time, as <see cref="Environment.TickCount64"/>.</param>
    void OnHeartbeat(long nowMilliseconds);
}
