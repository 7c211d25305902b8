using Gateway.Server.Diagnostics;
using Gateway.Server.Providers.Anthropic;
using Gateway.Server.Providers.Local;
using Gateway.Server.Providers.Mock;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;

namespace Gateway.Server.Providers;

/// <summary>Builds the configured providers, in the order the catalog prefers them when two list the same model id.</summary>
internal static class ProviderFactory
{
    public static IReadOnlyList<IModelProvider> Create(IReadOnlyList<ProviderEndpoint> endpoints, UpstreamHttp http) =>
        endpoints.Select(IModelProvider (e) => e.Protocol switch
        {
            ProviderProtocol.Anthropic => new AnthropicProvider(e.Name, e.BaseUrl, e.ApiKey, http),
            ProviderProtocol.OpenAiResponses => new OpenAiResponsesProvider(e.Name, e.BaseUrl, e.ApiKey, http) { SendsPromptCacheKey = e.PromptCacheKey },
            _ => new OpenAiCompatibleProvider(e.Name, e.BaseUrl, e.ApiKey, http) { SendsPromptCacheKey = e.PromptCacheKey },
        }).ToArray();

    /// <summary>
    /// The remote providers, then the in-process models, then the mock ones when MOCK_MODELS names any: a remote provider
    /// listing the same id as a local file serves it, and <c>mock/&lt;id&gt;</c> always reaches the mock.
    /// </summary>
    public static IReadOnlyList<IModelProvider> Create(IReadOnlyList<ProviderEndpoint> endpoints, UpstreamHttp http, LocalModelOptions local, MockModelOptions mock, GatewayLog log) =>
        [.. Create(endpoints, http), new LocalModelProvider(local, log), .. mock.Models.Count > 0 ? [new MockModelProvider(mock)] : Array.Empty<IModelProvider>()];
}
