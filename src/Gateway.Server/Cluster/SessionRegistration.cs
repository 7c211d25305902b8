namespace Gateway.Server.Cluster;

/// <summary>A session of this instance that others can find: the value of its <c>gateway:session:</c> key (<see cref="SessionOwner"/>).</summary>
internal sealed class SessionRegistration(string value)
{
    public string Value { get; } = value;

    /// <summary>Whether the key has been written (or queued to be, on the one connection); a relay waits for it otherwise.</summary>
    public bool Written { get; set; }
}
