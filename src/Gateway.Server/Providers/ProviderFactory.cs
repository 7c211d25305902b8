namespace Gateway.Server.Providers;

/// <summary>Builds the configured providers, in the order the catalog prefers them when two list the same model id.</summary>
internal static class ProviderFactory
{
    public static IReadOnlyList<IModelProvider> Create(IReadOnlyList<ProviderEndpoint> endpoints, UpstreamHttp http) =>
        endpoints.Select(IModelProvider (e) => e.Protocol switch
        {
            ProviderProtocol.Anthropic => new AnthropicProvider(e.Name, e.BaseUrl, e.ApiKey, http),
            _ => new OpenAiCompatibleProvider(e.Name, e.BaseUrl, e.ApiKey, http),
        }).ToArray();
}
