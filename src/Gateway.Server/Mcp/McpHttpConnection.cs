using ModelContextProtocol.Client;

namespace Gateway.Server.Mcp;

/// <summary>A Streamable HTTP server (MCP 2025-11-25): the SDK's transport over one HTTP client shared by every server.</summary>
internal sealed class McpHttpConnection : IMcpConnection
{
    /// <summary>
    /// One pool for all HTTP servers; no overall timeout, as a call's own (MCP_TOOL_TIMEOUT_SECONDS) bounds it and the
    /// standalone GET stream lasts as long as the session. Not the upstream providers' client: its timeouts are for models.
    /// </summary>
    private static readonly HttpClient s_client = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    private static readonly Task s_never = new TaskCompletionSource().Task;

    private readonly HttpClientTransport _transport;

    public McpHttpConnection(string server, McpHttpEndpoint endpoint)
    {
        var options = new HttpClientTransportOptions
        {
            Name = server,
            Endpoint = endpoint.Url,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = endpoint.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase),
        };
        _transport = new HttpClientTransport(options, s_client, loggerFactory: null, ownsHttpClient: false);
    }

    public IClientTransport Transport => _transport;

    public int? Pid => null;

    public bool IsRemote => true;

    public Task Ended => s_never;

    public string ErrorTail => "";

    public Task<string?> EndedBecauseAsync() => Task.FromResult<string?>(null);

    /// <summary>After the client's, which ended the session (DELETE).</summary>
    public ValueTask DisposeAsync() => _transport.DisposeAsync();
}
