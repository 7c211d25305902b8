using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>An endpoint whose answer depends on the model catalog alone: encoded once per catalog snapshot and reused.</summary>
internal abstract class CatalogEndpoint(ModelCatalog catalog) : IEndpoint
{
    private volatile EncodedResponse? _cached;

    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        var snapshot = catalog.Current;
        var cached = _cached;
        if (cached is null || !ReferenceEquals(cached.Snapshot, snapshot))
        {
            var (statusCode, body) = Encode(snapshot);
            _cached = cached = new EncodedResponse(snapshot, statusCode, body);
        }
        exchange.Respond(cached.StatusCode, ContentTypes.Json, cached.Body);
        return ValueTask.CompletedTask;
    }

    /// <summary>The status and JSON body for this snapshot of the catalog.</summary>
    protected abstract (int StatusCode, byte[] Body) Encode(ModelCatalogSnapshot snapshot);

    private sealed record EncodedResponse(ModelCatalogSnapshot Snapshot, int StatusCode, byte[] Body);
}
