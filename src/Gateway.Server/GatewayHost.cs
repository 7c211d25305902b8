using System.Net;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Endpoints;
using Gateway.Server.Http;
using Gateway.Server.Providers;
using Gateway.Server.Routing;

namespace Gateway.Server;

/// <summary>The composition root: the catalog, the routes and the HTTP server, started and stopped together.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly HttpServer _server;

    private GatewayHost(HttpServer server, ModelCatalog catalog)
    {
        _server = server;
        Catalog = catalog;
    }

    public ModelCatalog Catalog { get; }

    public IPEndPoint EndPoint => _server.EndPoint;

    public int ConnectionCount => _server.ConnectionCount;

    public static async Task<GatewayHost> StartAsync(GatewayOptions options, IReadOnlyList<IModelProvider> providers, GatewayLog log, CancellationToken cancellationToken = default)
    {
        var catalog = new ModelCatalog(providers, options.DefaultModel, log);
        await catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);

        var router = new Router()
            .Map(RequestMethod.Get, "/health", new HealthEndpoint(), anonymous: true)
            .Map(RequestMethod.Get, "/models", new ModelsEndpoint(catalog));

        var authenticator = options.ApiKeys.Count > 0 ? new BearerKeyAuthenticator(options.ApiKeys) : null;
        var server = new HttpServer(options.Http, router, log, authenticator);
        server.Start(options.EndPoint);
        return new GatewayHost(server, catalog);
    }

    public Task StopAsync() => _server.StopAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
