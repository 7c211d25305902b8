using ModelContextProtocol.Client;

namespace Gateway.Server.Mcp;

/// <summary>One connection to a server, under one MCP client: a stdio process of ours, or a Streamable HTTP endpoint.</summary>
internal interface IMcpConnection : IAsyncDisposable
{
    IClientTransport Transport { get; }

    /// <summary>The process holding the server's group; null for HTTP.</summary>
    int? Pid { get; }

    /// <summary>Its health shows only in its answers (HTTP: the client never completes when the server dies, trap 22).</summary>
    bool IsRemote { get; }

    /// <summary>Completes when the server ended by itself (the process exited); never for HTTP.</summary>
    Task Ended { get; }

    /// <summary>
    /// Why the server is gone, for a failed call or start: "exited (code N)", once the process has (waiting for it
    /// briefly: a crashed server's pipes close before its exit is seen); null when it has not ended.
    /// </summary>
    Task<string?> EndedBecauseAsync();

    /// <summary>What the server last wrote to stderr, a few lines; "" for HTTP.</summary>
    string ErrorTail { get; }
}
