using System.Diagnostics.CodeAnalysis;

namespace Gateway.Server.Providers;

/// <summary>What the catalog knew after one refresh: every model id with its provider, and what failed.</summary>
/// <remarks>Immutable: a refresh publishes a new snapshot, so readers never see a half-built list.</remarks>
internal sealed class ModelCatalogSnapshot
{
    private readonly Dictionary<string, IModelProvider> _byId;

    public ModelCatalogSnapshot(IReadOnlyList<(string Id, IModelProvider Provider)> models, string? defaultModel, IReadOnlyList<string> failures, int providerCount)
    {
        Models = models;
        _byId = new Dictionary<string, IModelProvider>(models.Count, StringComparer.Ordinal);
        foreach (var (id, provider) in models)
        {
            _byId.TryAdd(id, provider);
        }
        Failures = failures;
        AllFailed = providerCount > 0 && failures.Count == providerCount;
        // SPEC §2: defaultModel is reported only when it is one of the served models.
        DefaultModel = defaultModel is not null && _byId.ContainsKey(defaultModel) ? defaultModel : null;
    }

    public static ModelCatalogSnapshot Empty { get; } = new([], null, [], 0);

    public IReadOnlyList<(string Id, IModelProvider Provider)> Models { get; }

    public string? DefaultModel { get; }

    /// <summary>One line per provider whose listing failed.</summary>
    public IReadOnlyList<string> Failures { get; }

    /// <summary>True when there were providers and every one of them failed to list its models.</summary>
    public bool AllFailed { get; }

    /// <summary>The provider that serves <paramref name="id"/>, as listed.</summary>
    public bool TryGetProvider(string id, [NotNullWhen(true)] out IModelProvider? provider) => _byId.TryGetValue(id, out provider);

    /// <summary>The provider of a listed model named by its id or as <c>provider/id</c>; unlike <see cref="ModelCatalog.TryResolve"/>, never a model the listing lacks.</summary>
    public bool TryGetListed(string id, [NotNullWhen(true)] out IModelProvider? provider)
    {
        if (TryGetProvider(id, out provider))
        {
            return true;
        }
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && TryGetProvider(id[(slash + 1)..], out provider) && provider.Name == id[..slash])
        {
            return true;
        }
        provider = null;
        return false;
    }
}
