namespace Gateway.Server.Providers;

/// <summary>A source of models: a remote API or the in-process runtime.</summary>
internal interface IModelProvider
{
    /// <summary>A short name for logs and errors, e.g. "openai".</summary>
    string Name { get; }

    /// <summary>The ids of the models this provider serves right now.</summary>
    Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken);
}
