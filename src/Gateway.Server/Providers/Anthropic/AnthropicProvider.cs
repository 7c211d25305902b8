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

    private readonly UpstreamHttp _http;
    private readonly Uri _messagesUri;
    private readonly Uri _countTokensUri;
    private readonly Uri _modelsUri;
    private readonly KeyValuePair<string, string>[] _headers;

    public AnthropicProvider(string name, Uri baseUrl, string? apiKey, UpstreamHttp http)
    {
        Name = name;
        _http = http;
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        _messagesUri = new Uri(root + "/v1/messages");
        _countTokensUri = new Uri(root + "/v1/messages/count_tokens");
        _modelsUri = new Uri(root + "/v1/models?limit=1000");
        _headers = string.IsNullOrEmpty(apiKey)
            ? [new("anthropic-version", ApiVersion)]
            : [new("x-api-key", apiKey), new("anthropic-version", ApiVersion)];
    }

    public string Name { get; }

    public bool CountsCachedInputApart => true;

    public Uri ServerUrl => _messagesUri;

    public int MaxTokens { get; init; } = DefaultMaxTokens;

    public Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken) =>
        _http.ListModelsAsync(Name, new UpstreamRequest(HttpMethod.Get, _modelsUri, _headers, null, "application/json"), cancellationToken);

    public Task StreamTurnAsync(ModelTurnRequest request, ITurnSink sink, CancellationToken cancellationToken)
    {
        if (!ProviderJson.TryEncode(Name, () => WriteRequestBody(request, MaxTokens), out var body, out var failure))
        {
            failure.Deliver(sink);
            return Task.CompletedTask;
        }
        var upstream = new UpstreamRequest(HttpMethod.Post, _messagesUri, _headers, body, "text/event-stream");
        return _http.StreamAsync(Name, upstream, new AnthropicStreamDecoder(Name), sink, cancellationToken);
    }
}
