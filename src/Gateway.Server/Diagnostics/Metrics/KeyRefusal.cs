namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>The limit of a client's key that refused a request (GATEWAY_KEYS_FILE).</summary>
internal enum KeyRefusal
{
    /// <summary><c>requestsPerMinute</c>: 429.</summary>
    Rate,

    /// <summary><c>maxConcurrentSessions</c>: 429.</summary>
    Sessions,

    /// <summary><c>tokensPerDay</c>: 429 for a new request, an error event for a running session.</summary>
    Tokens,

    /// <summary><c>models</c>: 403.</summary>
    Model,
}
