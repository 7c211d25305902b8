using System.Net;
using Gateway.Server.Agents;
using Gateway.Server.Cluster;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Endpoints;
using Gateway.Server.Endpoints.Anthropic;
using Gateway.Server.Endpoints.OpenAi;
using Gateway.Server.Endpoints.Responses;
using Gateway.Server.Endpoints.WebPage;
using Gateway.Server.Http;
using Gateway.Server.Mcp;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;
using Gateway.Server.Providers.Local;
using Gateway.Server.Routing;
using Gateway.Server.Sse;

namespace Gateway.Server;

/// <summary>The composition root: the catalog, the sessions, the routes and the HTTP server, started and stopped together.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly HttpServer _server;
    private readonly KeysFileWatcher? _keysFile;
    private readonly SessionWorkspaces? _workspaces;
    private readonly IAsyncDisposable? _mcp;
    private readonly ICluster _cluster;

    private GatewayHost(
        HttpServer server, KeysFileWatcher? keysFile, ModelCatalog catalog, SessionRegistry sessions, OrchestratorPool orchestrators, SessionWorkspaces? workspaces,
        IAsyncDisposable? mcp, ICluster cluster)
    {
        _server = server;
        _cluster = cluster;
        _keysFile = keysFile;
        _workspaces = workspaces;
        _mcp = mcp;
        Catalog = catalog;
        Sessions = sessions;
        Orchestrators = orchestrators;
    }

    public ModelCatalog Catalog { get; }

    public SessionRegistry Sessions { get; }

    public OrchestratorPool Orchestrators { get; }

    public IPEndPoint EndPoint => _server.EndPoint;

    public int ConnectionCount => _server.ConnectionCount;

    /// <param name="tools">The tools agents may call; when null, the built-in tools and the MCP servers' tools of ENABLED_TOOLS.</param>
    /// <param name="metrics">What GET /metrics exposes; a new set on the system clock when null.</param>
    /// <exception cref="McpConfigException">MCP_SERVERS_FILE cannot be read or is not a servers file; nothing has started.</exception>
    /// <exception cref="ClusterUnavailableException">REDIS_URL is set and Redis cannot be reached; nothing has started.</exception>
    public static async Task<GatewayHost> StartAsync(
        GatewayOptions options, IReadOnlyList<IModelProvider> providers, GatewayLog log, IToolRegistry? tools = null, GatewayMetrics? metrics = null,
        CancellationToken cancellationToken = default)
    {
#if GATEWAY_MCP
        var mcpConfigs = options.Mcp.ServersFile is { } serversFile ? McpServersFile.Load(serversFile) : [];
#else
        if (options.Mcp.ServersFile is not null)
        {
            throw new McpConfigException("MCP_SERVERS_FILE is set, but this gateway was built without the MCP client (-p:GatewayMcp=false)");
        }
#endif
        metrics ??= new GatewayMetrics(TimeProvider.System);
        var catalog = new ModelCatalog(providers, options.DefaultModel, log);
        await catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);

        var agentOptions = options.Agents;
        IToolRegistry builtIn = new BuiltInToolRegistry(agentOptions.EnabledTools);
#if GATEWAY_MCP
        var mcp = mcpConfigs.Count == 0 ? null : new McpServers(
            mcpConfigs, options.Mcp, agentOptions.WorkspaceRoot, McpServers.Sandbox(options.Mcp.Sandbox, agentOptions.BashSandbox, options.Sandbox), log, options.Clock);
        var mcpTools = mcp is null ? null : new McpToolRegistry(mcp.Servers, agentOptions.McpToolPatterns, options.Mcp, log, options.Clock);
        McpMetrics.Register(metrics.Registry, mcp?.Servers ?? []);
        var registry = tools ?? (mcpTools is null ? builtIn : new CompositeToolRegistry([builtIn, mcpTools]));
#else
        var registry = tools ?? builtIn;
#endif
        var sessions = new SessionRegistry();
        var keySessions = new KeySessions();
        var resumable = new ResumableSessions();
#if GATEWAY_CLUSTER
        ICluster cluster = options.Cluster.Redis is null
            ? LocalCluster.Instance
            : await RedisCluster.ConnectAsync(
                options.Cluster, (sessionId, relayId, response) => RelayEndpoint.Settle(sessions, sessionId, relayId, response), () => keySessions.Running,
                resumable, log, metrics.Registry)
                .ConfigureAwait(false);
#else
        ICluster cluster = LocalCluster.Instance; // GatewayOptions refused a set REDIS_URL.
#endif
        var orchestrators = new OrchestratorPool(() => new AgentOrchestrator(registry, agentOptions, log, metrics, cluster), agentOptions.PooledOrchestrators);
        var responses = new ResponseStore(options.Clock, options.Responses.TimeToLive, options.Responses.Capacity);
        var keyLimits = new KeyLimits(keySessions, new KeyTokens(options.Clock, metrics.Keys, cluster), metrics.Keys, cluster);

        ClientKey[] apiKeys = [.. BearerKeyAuthenticator.Unlimited(options.ApiKeys)];
        ClientKey[] keys = [.. apiKeys, .. options.Keys];
        var authenticator = keys.Length > 0 ? new BearerKeyAuthenticator(keys, options.Clock, metrics.Keys) : null;
        // OpenAI's model objects carry a creation time that upstream listings do not all give: the gateway's start.
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var router = new Router()
            .Map(RequestMethod.Get, "/health", new HealthEndpoint(), anonymous: true)
            .Map(RequestMethod.Get, "/", new WebPageEndpoint(WebAssets.Embedded, "index.html"), anonymous: true)
            .Map(RequestMethod.Get, "/ui/config.json", new WebConfigEndpoint(agentOptions, keysRequired: authenticator is not null, options.Http.MaxBodyBytes), anonymous: true)
            .Map(RequestMethod.Get, "/ui/:asset", new WebPageEndpoint(WebAssets.Embedded), anonymous: true)
            .Map(RequestMethod.Get, "/metrics", new MetricsEndpoint(metrics.Registry), anonymous: options.MetricsPublic)
            .Map(RequestMethod.Get, "/models", new ModelsEndpoint(catalog))
            .Map(RequestMethod.Post, "/chat", new ChatEndpoint(catalog, options.DefaultModel, orchestrators, sessions, agentOptions, keyLimits, registry, cluster, options.Resume, resumable))
            .Map(RequestMethod.Post, "/chat/relay/:relayId", new RelayEndpoint(sessions, cluster))
            .Map(RequestMethod.Get, "/chat/:sessionId/events", new SessionEventsEndpoint(resumable, cluster, agentOptions.PingInterval))
            .Map(RequestMethod.Post, "/summarize", new SummarizeEndpoint(catalog, options.DefaultModel, keyLimits, agentOptions, metrics.Upstream, log))
            .Map(RequestMethod.Get, "/v1/models", new OpenAiModelsEndpoint(catalog, started))
            .Map(RequestMethod.Get, "/v1/models/:model", new OpenAiModelEndpoint(catalog, started))
            .Map(RequestMethod.Post, "/v1/chat/completions", new ChatCompletionsEndpoint(catalog, options.DefaultModel, metrics.Upstream, keyLimits))
            .Map(RequestMethod.Post, "/v1/responses", new ResponsesEndpoint(catalog, options.DefaultModel, responses, metrics.Upstream, keyLimits))
            .Map(RequestMethod.Post, "/v1/messages", new MessagesEndpoint(catalog, options.DefaultModel, metrics.Upstream, keyLimits, agentOptions.PingInterval))
            .Map(RequestMethod.Post, "/v1/messages/count_tokens", new CountTokensEndpoint(catalog, options.DefaultModel, keyLimits))
            .MapRefusalShape("/v1", OpenAiRefusalShape.Instance)
            .MapRefusalShape("/v1/messages", AnthropicRefusalShape.Instance);
#if GATEWAY_MCP
        router.Map(RequestMethod.Get, "/mcp/servers", new McpServersEndpoint(mcp?.Servers ?? [], mcpTools));
#endif

        var server = new HttpServer(options.Http, router, log, authenticator, metrics.Http);
        metrics.Http.ReadAtScrape(() => server.ConnectionCount);
        metrics.Agents.ReadAtScrape(() => sessions.Count, () => orchestrators.Available, () => orchestrators.Rented);
        metrics.Keys.ReadAtScrape(() => keyLimits.Sessions.Running);
        metrics.Registry.CounterReadAtScrape(
            "gateway_log_lines_dropped_total", "Log lines dropped because standard error could not keep up with them.", () => log.DroppedLines);
        LocalModelMetrics.Register(metrics.Registry, [.. providers.OfType<LocalModelProvider>()]);
        // Before any session can make a directory there.
        var workspaces = agentOptions.WorkspaceMode == WorkspaceMode.Session ? SessionWorkspaces.Open(agentOptions, log) : null;
        try
        {
            server.Start(options.EndPoint);
        }
        catch
        {
            workspaces?.Dispose();
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
#if GATEWAY_MCP
        // After the server listens: MCP servers start in the background and never delay start-up or /health.
        mcp?.Start();
#else
        IAsyncDisposable? mcp = null;
#endif
        var keysFile = options.KeysFilePath is { } path && authenticator is not null ? new KeysFileWatcher(path, apiKeys, authenticator, log) : null;
        return new GatewayHost(server, keysFile, catalog, sessions, orchestrators, workspaces, mcp, cluster);
    }

    /// <summary>Reads GATEWAY_KEYS_FILE again (SIGHUP); false when it is unset, or cannot be read and the keys in force stay.</summary>
    public bool ReloadKeys() => _keysFile?.Reload() ?? false;

    public Task StopAsync() => _server.StopAsync();

    public async ValueTask DisposeAsync()
    {
        _keysFile?.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
        // After the sessions, which removed their registrations as they ended.
        await _cluster.DisposeAsync().ConfigureAwait(false);
        // After the sessions, whose calls the servers answered until the end.
        if (_mcp is not null)
        {
            await _mcp.DisposeAsync().ConfigureAwait(false);
        }
        _workspaces?.Dispose();
    }
}
