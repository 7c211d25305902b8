using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Server.Diagnostics;
using Gateway.Tools;
using ModelContextProtocol;

namespace Gateway.Server.Mcp;

/// <summary>The MCP servers' tools as the agent loop sees them: offered as <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>, called with a timeout.</summary>
internal sealed class McpToolRegistry : IToolRegistry
{
    private readonly IReadOnlyList<IMcpServer> _servers;
    private readonly IReadOnlyList<string> _patterns;
    private readonly McpOptions _options;
    private readonly TimeProvider _clock;
    private readonly GatewayLog _log;
    private readonly Lock _rebuilding = new();

    /// <summary>Every name ever offered, so a call from a turn that saw an older list gets "not available", not "unknown tool".</summary>
    private readonly ConcurrentDictionary<string, IMcpServer> _offered = new(StringComparer.Ordinal);

    /// <summary>Warnings already written: the catalog is rebuilt on every change of any server.</summary>
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    private volatile McpToolCatalog _catalog = McpToolCatalog.Empty;

    /// <param name="patterns">ENABLED_TOOLS' MCP names and globs (<see cref="AgentOptions.McpToolPatterns"/>).</param>
    /// <param name="clock">The clock of the call timeout; tests step a fake one.</param>
    public McpToolRegistry(IReadOnlyList<IMcpServer> servers, IReadOnlyList<string> patterns, McpOptions options, GatewayLog log, TimeProvider? clock = null)
    {
        _servers = servers;
        _patterns = patterns;
        _options = options;
        _log = log;
        _clock = clock ?? TimeProvider.System;
        foreach (var server in servers)
        {
            server.StateChanged += Rebuild;
        }
        Rebuild();
    }

    /// <summary>The current tools, offered or not and why (GET /mcp/servers).</summary>
    public McpToolCatalog Catalog => _catalog;

    public IReadOnlyList<ToolDefinition> Definitions => _catalog.Definitions;

    public bool Contains(string name) => _offered.ContainsKey(name);

    public ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, CancellationToken cancellationToken) =>
        InvokeAsync(name, arguments, context, ToolProgress.None, cancellationToken);

    public async ValueTask<ToolResult> InvokeAsync(string name, RawJson arguments, ToolContext context, IToolProgress progress, CancellationToken cancellationToken)
    {
        if (!_catalog.Routes.TryGetValue(name, out var route))
        {
            return _offered.TryGetValue(name, out var gone)
                ? ToolResult.Failure($"{name} is not available: server {gone.Name} is {Describe(gone.State.Status)}")
                : ToolResult.Failure($"Unknown tool: {name}");
        }
        using var document = JsonDocument.Parse(arguments.Utf8);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return ToolResult.Failure($"The arguments of {name} must be a JSON object.");
        }
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            values[property.Name] = property.Value;
        }

        using var timeout = new CancellationTokenSource(_options.ToolTimeout, _clock);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var result = await route.Server.CallToolAsync(route.Tool, values, new McpProgressAdapter(progress), context, call.Token).ConfigureAwait(false);
            return McpResultMapper.Map(result);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The SDK has sent notifications/cancelled for the request (MCP 2025-11-25 cancellation).
            return ToolResult.Failure(string.Create(CultureInfo.InvariantCulture, $"{name} timed out after {_options.ToolTimeout.TotalSeconds} s"));
        }
        catch (McpUnavailableException e)
        {
            return ToolResult.Failure($"{name}: {e.Message}");
        }
        catch (McpException e)
        {
            // A JSON-RPC error answer (unknown tool, invalid params) is the tool's failure, like isError (trap 1).
            return ToolResult.Failure($"{name}: {e.Message}");
        }
    }

    /// <summary>The rule for an "always" answer: the tool's name with no params, so every later call of it is allowed.</summary>
    public PermissionRule DeriveAlwaysRule(string name, JsonElement arguments, ToolContext context) => new(name, []);

    private static string Describe(McpServerStatus status) => status switch
    {
        McpServerStatus.Ready => "ready but no longer offers it",
        McpServerStatus.Starting => "starting",
        McpServerStatus.Backoff => "restarting",
        _ => "stopped",
    };

    private void Rebuild()
    {
        lock (_rebuilding)
        {
            var catalog = McpToolCatalog.Build(_servers, _patterns);
            foreach (var definition in catalog.Definitions)
            {
                _offered.TryAdd(definition.Name, catalog.Routes[definition.Name].Server);
            }
            foreach (var offer in catalog.Offers.Where(o => o.Dropped is not null and not McpToolCatalog.NotEnabled))
            {
                WarnOnce($"mcp tool {offer.Original} of server {offer.Server} is not offered: {offer.Dropped}");
            }
            if (_servers.Count > 0 && _servers.All(s => s.State.Status == McpServerStatus.Ready))
            {
                // ENABLED_TOOLS is not checked at start-up (its servers list their tools later): say so once they all have.
                foreach (var pattern in _patterns.Where(p => !catalog.Offers.Any(o => Glob.IsMatch(p, o.Name))))
                {
                    WarnOnce($"ENABLED_TOOLS: {pattern} matches no tool of the MCP servers");
                }
            }
            _catalog = catalog;
        }
    }

    private void WarnOnce(string message)
    {
        if (_warned.Add(message))
        {
            _log.Warning(message);
        }
    }
}
