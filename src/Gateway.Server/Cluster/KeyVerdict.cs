namespace Gateway.Server.Cluster;

/// <summary>A key's limits as all instances together see them (GATEWAY_KEYS_FILE's <c>maxConcurrentSessions</c>, <c>tokensPerDay</c>).</summary>
internal enum KeyVerdict : byte
{
    /// <summary>Admitted, and counted as one more session of the key until <see cref="ICluster.ExitKey"/>.</summary>
    Admitted,
    SessionsFull,
    TokensSpent,
}
