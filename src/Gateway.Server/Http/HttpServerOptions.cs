namespace Gateway.Server.Http;

/// <summary>The limits and timeouts of the HTTP/1.1 server; every one has an environment variable (see GatewayOptions).</summary>
internal sealed record HttpServerOptions
{
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;
    public int MaxHeaderBytes { get; init; } = 32 * 1024;
    public int MaxHeaderCount { get; init; } = 100;
    public long MaxBodyBytes { get; init; } = 4 * 1024 * 1024;
    public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>A flush that has made no progress this long means the client stopped reading: the connection is aborted.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxConnections { get; init; } = 20_000;
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The end of the shutdown timeout kept for responses still running to send their error and last chunk.</summary>
    public TimeSpan StreamEndAllowance => TimeSpan.FromTicks(Math.Min(ShutdownTimeout.Ticks / 4, TimeSpan.TicksPerSecond));

    /// <summary>How often timeouts are checked and the Date header refreshed.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
}
