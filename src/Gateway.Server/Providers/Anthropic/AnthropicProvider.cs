using Gateway.Server.Providers.Upstream;

namespace Gateway.Server.Providers.Anthropic;

/// <summary>
/// Anthropic's Messages API: turns are <c>POST {baseUrl}/v1/messages</c> with <c>stream: true</c>
/// (https://docs.anthropic.com/en/api/messages), models are <c>GET {baseUrl}/v1/models</c>.
/// </summary>
/// <remarks>
/// Headers per https://docs.anthropic.com/en/api/overview: <c>x-api-key</c> and <c>anthropic-version: 2023-06-01</c>.
/// The model listing asks for <c>limit=1000</c> because the endpoint pages 20 at a time by default.
/// </remarks>
internal sealed partial class AnthropicProvider : IModelProvider
{
    /// <summary>The API requires <c>max_tokens</c>; this is what every turn asks for unless <see cref="MaxTokens"/> says otherwise.</summary>
    public const int DefaultMaxTokens = 8192;

    public const string ApiVersion = "2023-06-01";

    private readonly UpstreamApi _api;

    public AnthropicProvider(string name, Uri baseUrl, string? apiKey, UpstreamHttp http)
    {
        Name = name;
        KeyValuePair<string, string>[] headers = string.IsNullOrEmpty(apiKey)
            ? [new("anthropic-version", ApiVersion)]
            : [new("x-api-key", apiKey), new("anthropic-version", ApiVersion)];
        _api = UpstreamApi.At(name, http, baseUrl, "/v1/messages", "/v1/models?limit=1000", headers);
    }

    public string Name { get; }

    public bool CountsCachedInputApart => true;

    public Uri ServerUrl => _api.Turns;

    public int MaxTokens { get; init; } = DefaultMaxTokens;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) => _api.ListModelsAsync(cancellationToken);

    public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken) =>
        _api.StreamTurnAsync(() => WriteRequestBody(request, MaxTokens), new AnthropicStreamDecoder(Name), sink, cancellationToken);
}
