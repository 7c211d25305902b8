using System.Diagnostics.CodeAnalysis;
using Gateway.Server.Diagnostics;

namespace Gateway.Server.Providers;

/// <summary>Maps model ids to the providers that serve them and answers <c>GET /models</c>.</summary>
/// <remarks>
/// Providers are asked for their models concurrently, each within <see cref="ListTimeout"/>; one
/// provider failing leaves the others' models listed (SPEC §2). When two providers list the same
/// id, the one registered first serves it. The list is refreshed every <see cref="RefreshInterval"/>
/// once <see cref="StartBackgroundRefresh"/> runs.
/// </remarks>
internal sealed class ModelCatalog(IReadOnlyList<IModelProvider> providers, string? defaultModel, GatewayLog log)
{
    private readonly Dictionary<string, IModelProvider> _byName = providers
        .DistinctBy(p => p.Name, StringComparer.Ordinal)
        .ToDictionary(p => p.Name, StringComparer.Ordinal);

    private volatile ModelCatalogSnapshot _current = ModelCatalogSnapshot.Empty;

    public TimeSpan ListTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    public ModelCatalogSnapshot Current => _current;

    /// <summary>Finds who serves <paramref name="modelId"/> and under which id.</summary>
    /// <remarks>
    /// A listed id is served by the provider that listed it, as it is. Otherwise <c>&lt;provider&gt;/&lt;model&gt;</c>
    /// names the provider explicitly and passes the rest upstream unchanged (<c>openrouter/anthropic/claude-3.5</c> →
    /// openrouter, <c>anthropic/claude-3.5</c>), also for models the listing does not show. Listed ids come first
    /// because OpenRouter lists ids such as <c>anthropic/claude-3.5</c>, which must not go to a provider named
    /// "anthropic" that knows no such model.
    /// </remarks>
    public bool TryResolve(string modelId, [NotNullWhen(true)] out IModelProvider? provider, [NotNullWhen(true)] out string? providerModelId)
    {
        if (_current.TryGetProvider(modelId, out provider))
        {
            providerModelId = modelId;
            return true;
        }
        var slash = modelId.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && slash < modelId.Length - 1 && _byName.TryGetValue(modelId[..slash], out provider))
        {
            providerModelId = modelId[(slash + 1)..];
            return true;
        }
        provider = null;
        providerModelId = null;
        return false;
    }

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

    /// <summary>Refreshes every <see cref="RefreshInterval"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <returns>The loop; it completes (never faults) once cancelled.</returns>
    public Task StartBackgroundRefresh(CancellationToken cancellationToken) => RefreshLoopAsync(cancellationToken);

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Listing failures are handled per provider; this is a bug, and the last snapshot stays.
                    log.Error("Model catalog refresh failed.", e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
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
