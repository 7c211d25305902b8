using System.Collections.Frozen;
using System.Collections.Immutable;
using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Mcp;

/// <summary>One tool a server listed: the name it is offered under, or why it is not offered (the admin view shows both).</summary>
internal sealed record McpToolOffer(string Server, string Original, string Name, string? Dropped);

/// <summary>Where an offered name goes: the server and the tool's own name there.</summary>
internal readonly record struct McpToolRoute(IMcpServer Server, string Tool);

/// <summary>The MCP tools of one moment, immutable and rebuilt whole, so a turn sees one consistent list (issue 18 trap 11).</summary>
internal sealed class McpToolCatalog
{
    /// <summary>Tools beyond this of one server are not offered: a bound on the model's prompt and on metrics' tool labels.</summary>
    public const int MaxToolsPerServer = 128;

    public const string NotEnabled = "not enabled by ENABLED_TOOLS";

    private McpToolCatalog(ImmutableArray<McpToolOffer> offers, IReadOnlyList<ToolDefinition> definitions, FrozenDictionary<string, McpToolRoute> routes)
    {
        Offers = offers;
        Definitions = definitions;
        Routes = routes;
    }

    public static McpToolCatalog Empty { get; } = new([], [], FrozenDictionary<string, McpToolRoute>.Empty);

    /// <summary>Every tool the ready servers list, by server name then tool name.</summary>
    public ImmutableArray<McpToolOffer> Offers { get; }

    /// <summary>What the model is offered, in the order of <see cref="Offers"/>.</summary>
    /// <remarks>One list object per catalog: <see cref="Agents.CompositeToolRegistry"/> rejoins only when it is another.</remarks>
    public IReadOnlyList<ToolDefinition> Definitions { get; }

    public FrozenDictionary<string, McpToolRoute> Routes { get; }

    /// <param name="patterns">ENABLED_TOOLS' MCP names and globs, matched against the offered names.</param>
    public static McpToolCatalog Build(IEnumerable<IMcpServer> servers, IReadOnlyList<string> patterns)
    {
        var offers = ImmutableArray.CreateBuilder<McpToolOffer>();
        var definitions = new List<ToolDefinition>();
        var routes = new Dictionary<string, McpToolRoute>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in servers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var state = server.State;
            if (state.Status != McpServerStatus.Ready)
            {
                continue;
            }
            var listed = 0;
            foreach (var tool in state.Tools.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                var name = McpToolNames.Claim(McpToolNames.Exposed(server.Name, tool.Name), taken);
                string? dropped;
                RawJson? schema = null;
                if (++listed > MaxToolsPerServer)
                {
                    dropped = $"the server lists more than {MaxToolsPerServer} tools";
                }
                else if (!patterns.Any(p => Glob.IsMatch(p, name)))
                {
                    dropped = NotEnabled;
                }
                else
                {
                    schema = McpSchemaCleaner.Clean(tool.InputSchema, out dropped);
                }
                offers.Add(new McpToolOffer(server.Name, tool.Name, name, dropped));
                if (schema is { } parameters)
                {
                    definitions.Add(new ToolDefinition(name, McpSchemaCleaner.Description(tool), parameters));
                    routes.Add(name, new McpToolRoute(server, tool.Name));
                }
            }
        }
        return new McpToolCatalog(offers.ToImmutable(), definitions.ToArray(), routes.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
