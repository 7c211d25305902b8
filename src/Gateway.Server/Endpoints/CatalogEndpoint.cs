using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>
/// An endpoint whose answer depends on the model catalog and the client's key: the catalog's models, or only those the
/// key's <c>models</c> globs allow. Encoded once per catalog snapshot and reused, but for a key limited to some models.
/// </summary>
internal abstract class CatalogEndpoint(ModelCatalog catalog) : IEndpoint
{
    private volatile EncodedResponse? _cached;

    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        var snapshot = catalog.Current;
        if (exchange.Key is { Models: not null } key)
        {
            // Encoded per request: such keys are few, listings small, and a reload may change the globs at any time.
            var (status, body) = Encode(snapshot, key);
            exchange.Respond(status, ContentTypes.Json, body);
            return ValueTask.CompletedTask;
        }
        var cached = _cached;
        if (cached is null || !ReferenceEquals(cached.Snapshot, snapshot))
        {
            var (statusCode, body) = Encode(snapshot, key: null);
            _cached = cached = new EncodedResponse(snapshot, statusCode, body);
        }
        exchange.Respond(cached.StatusCode, ContentTypes.Json, cached.Body);
        return ValueTask.CompletedTask;
    }

    /// <summary>The status and JSON body for this snapshot of the catalog, as <paramref name="key"/> sees it (null: every model).</summary>
    protected abstract (int StatusCode, byte[] Body) Encode(ModelCatalogSnapshot snapshot, ClientKey? key);

    /// <summary>The snapshot's models that <paramref name="key"/> may use, in listing order.</summary>
    protected static IEnumerable<(string Id, IModelProvider Provider)> Visible(ModelCatalogSnapshot snapshot, ClientKey? key) =>
        key is null ? snapshot.Models : snapshot.Models.Where(m => key.AllowsModel(m.Id, m.Provider.Name, m.Id));

    private sealed record EncodedResponse(ModelCatalogSnapshot Snapshot, int StatusCode, byte[] Body);
}
