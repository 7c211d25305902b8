using Gateway.Server.Diagnostics;

namespace Gateway.Server.Providers;

/// <summary>Maps model ids to the providers that serve them and answers <c>GET /models</c>.</summary>
/// <remarks>
/// Providers are asked for their models concurrently, each within <see cref="ListTimeout"/>; one
/// provider failing leaves the others' models listed (SPEC §2). When two providers list the same
/// id, the one registered first serves it.
/// </remarks>
internal sealed class ModelCatalog(IReadOnlyList<IModelProvider> providers, string? defaultModel, GatewayLog log)
{
    private volatile ModelCatalogSnapshot _current = ModelCatalogSnapshot.Empty;

    public TimeSpan ListTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ModelCatalogSnapshot Current => _current;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var listings = await Task.WhenAll(providers.Select(p => ListAsync(p, cancellationToken))).ConfigureAwait(false);

        var models = new List<(string, IModelProvider)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        for (var i = 0; i < providers.Count; i++)
        {
            var (ids, failure) = listings[i];
            if (failure is not null)
            {
                failures.Add(failure);
                continue;
            }
            models.AddRange(ids!.Where(seen.Add).Select(id => (id, providers[i])));
        }
        _current = new ModelCatalogSnapshot(models, defaultModel, failures, providers.Count);
    }

    /// <summary>
    /// Finds who serves <paramref name="modelId"/>: an explicit <c>provider/model</c> prefix selects
    /// that provider and passes the rest upstream as it is; otherwise the catalog's own listing decides.
    /// </summary>
    public bool TryResolve(string modelId, out IModelProvider provider, out string providerModelId)
    {
        var slash = modelId.IndexOf('/');
        if (slash > 0 && providers.FirstOrDefault(p => string.Equals(p.Name, modelId[..slash], StringComparison.Ordinal)) is { } named)
        {
            provider = named;
            providerModelId = modelId[(slash + 1)..];
            return providerModelId.Length > 0;
        }
        foreach (var (id, owner) in _current.Models)
        {
            if (id == modelId)
            {
                provider = owner;
                providerModelId = id;
                return true;
            }
        }
        provider = null!;
        providerModelId = "";
        return false;
    }

    private async Task<(IReadOnlyList<string>? Ids, string? Failure)> ListAsync(IModelProvider provider, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ListTimeout);
        try
        {
            return (await provider.ListModelsAsync(timeout.Token).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e is OperationCanceledException ? $"no answer within {ListTimeout.TotalSeconds:0.#} s" : e.Message;
            log.Warning($"Model listing from {provider.Name} failed: {reason}");
            return (null, $"{provider.Name}: {reason}");
        }
    }
}
